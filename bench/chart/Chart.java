import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Renders bench/results/results.tsv as one PNG: requests/s (top) and p99 latency (bottom) per workload,
 * one bar per target. No dependencies; run with the JDK source launcher:
 * {@code java -Djava.awt.headless=true bench/chart/Chart.java results.tsv chart.png [title]}.
 * Exit codes: 1 usage or malformed input, 2 rendering impossible (no fonts / fontconfig), 3 write failed.
 */
public class Chart {
    static final int W = 1200, H = 700;
    static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    // Fixed colours for the known targets keep them stable across runs that lack some targets.
    static final Map<String, Color> KNOWN = Map.of("shardgate", new Color(0x1f77b4), "nginx", new Color(0x2ca02c),
            "haproxy", new Color(0xff7f0e), "direct", new Color(0x7f7f7f));
    static final Color[] EXTRA = {new Color(0x9467bd), new Color(0xd62728), new Color(0x8c564b), new Color(0x17becf)};

    record Table(List<String> workloads, List<String> targets, Map<String, Double> rps, Map<String, Double> p99) {}

    static final class BadInput extends Exception { BadInput(String message) { super(message); } }

    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            fail(1, "usage: java -Djava.awt.headless=true bench/chart/Chart.java <results.tsv> <out.png> [title]");
        }
        Table table = null;
        try {
            table = parse(Path.of(args[0]));
        } catch (BadInput | IOException e) {
            fail(1, "chart: " + args[0] + ": " + (e instanceof IOException ? "cannot read: " + e : e.getMessage()));
        }
        BufferedImage image = null;
        try {
            image = render(table, args.length == 3 ? args[2] : "Shardgate benchmark");
        } catch (RuntimeException | Error e) {
            // Without libfontconfig or any font file the JDK throws from deep inside its font manager.
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            fail(2, "chart: cannot render text headless: " + e + (root == e ? "" : ", caused by " + root) + "\n"
                    + "It needs fontconfig and a font; on Debian: apt-get install -y libfontconfig1 fonts-dejavu-core");
        }
        // Through our own stream: ImageIO.write(File) prints a stack trace before it throws.
        try (var out = Files.newOutputStream(Path.of(args[1]))) {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            fail(3, "chart: cannot write " + args[1] + ": " + e);
        }
    }

    static void fail(int code, String message) {
        System.err.println(message);
        System.exit(code);
    }

    /** Columns are found by header name; all but workload and target must be numbers or "-". */
    static Table parse(Path file) throws IOException, BadInput {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) throw new BadInput("empty file, expected a header line");
        List<String> header = List.of(cells(lines.get(0)));
        int[] col = new int[4];
        String[] required = {"workload", "target", "req_per_s", "p99_ms"};
        for (int i = 0; i < required.length; i++) {
            col[i] = header.indexOf(required[i]);
            if (col[i] < 0) throw new BadInput("line 1: header lacks column '" + required[i] + "': " + header);
        }
        var workloads = new LinkedHashSet<String>();
        var targets = new LinkedHashSet<String>();
        Map<String, Double> rps = new HashMap<>(), p99 = new HashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) continue;
            String where = "line " + (n + 1) + ": ";
            String[] cells = cells(lines.get(n));
            if (cells.length != header.size()) {
                throw new BadInput(where + cells.length + " columns, header has " + header.size());
            }
            Double[] values = new Double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                if (c == col[0] || c == col[1] || cells[c].equals("-")) continue;  // "-" = not measured
                if (!NUMBER.matcher(cells[c]).matches() || Double.isInfinite(Double.parseDouble(cells[c]))) {
                    throw new BadInput(where + "column '" + header.get(c) + "' is '" + cells[c]
                            + "', expected a non-negative number or '-'");
                }
                values[c] = Double.valueOf(cells[c]);
            }
            String workload = cells[col[0]], target = cells[col[1]];
            if (workload.isEmpty() || target.isEmpty()) throw new BadInput(where + "empty workload or target");
            String key = key(workload, target);
            if (rps.containsKey(key)) throw new BadInput(where + "second row for " + workload + "/" + target);
            workloads.add(workload);
            targets.add(target);
            rps.put(key, values[col[2]]);
            p99.put(key, values[col[3]]);
        }
        if (workloads.isEmpty()) throw new BadInput("no data rows after the header");
        return new Table(List.copyOf(workloads), List.copyOf(targets), rps, p99);
    }

    /** Splits on tabs only (an empty leading cell must not vanish) and trims each cell. */
    static String[] cells(String line) {
        String[] cells = line.split("\t", -1);
        for (int i = 0; i < cells.length; i++) cells[i] = cells[i].strip();
        return cells;
    }

    static String key(String workload, String target) { return workload + "\t" + target; }

    static BufferedImage render(Table t, String title) {
        var image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);

        g.setColor(Color.BLACK);
        g.setFont(font(Font.BOLD, 22));
        centered(g, title, W / 2, 34);

        Map<String, Color> colours = new HashMap<>();
        int extra = 0;
        for (String target : t.targets()) {
            colours.put(target, KNOWN.getOrDefault(target, EXTRA[extra++ % EXTRA.length]));
        }
        legend(g, t.targets(), colours, 62);

        Axis rpsAxis = Axis.linear(max(t.rps()));
        Axis p99Axis = Axis.forLatency(t.p99());
        panel(g, new Rectangle(20, 80, W - 40, 300), "Requests/s (higher is better)", rpsAxis, t, t.rps(), colours,
                v -> String.format(Locale.ROOT, "%.0f", v));
        panel(g, new Rectangle(20, 390, W - 40, 300),
                "p99 latency, ms (lower is better" + (p99Axis.log() ? "; log scale)" : ")"), p99Axis, t, t.p99(), colours,
                v -> String.format(Locale.ROOT, v < 100 ? "%.1f" : "%.0f", v));
        g.dispose();
        return image;
    }

    static void legend(Graphics2D g, List<String> targets, Map<String, Color> colours, int y) {
        g.setFont(font(Font.PLAIN, 14));
        var fm = g.getFontMetrics();
        int swatch = 14, gap = 26, total = 0;
        for (String target : targets) total += swatch + 6 + fm.stringWidth(target) + gap;
        int x = (W - total + gap) / 2;
        for (String target : targets) {
            g.setColor(colours.get(target));
            g.fillRect(x, y - swatch + 2, swatch, swatch);
            g.setColor(Color.DARK_GRAY);
            g.drawString(target, x + swatch + 6, y);
            x += swatch + 6 + fm.stringWidth(target) + gap;
        }
    }

    /** One grouped bar chart: a group per workload, a fixed slot per target so colours line up. */
    static void panel(Graphics2D g, Rectangle area, String heading, Axis axis, Table t, Map<String, Double> values,
                      Map<String, Color> colours, DoubleFunction<String> label) {
        g.setColor(Color.BLACK);
        g.setFont(font(Font.BOLD, 15));
        g.drawString(heading, area.x + 4, area.y + 16);

        // Room above the plot for value labels, left for tick labels, below for workload names.
        int left = area.x + 56, right = area.x + area.width - 4;
        int top = area.y + 40, bottom = area.y + area.height - 30;
        g.setFont(font(Font.PLAIN, 12));
        var fm = g.getFontMetrics();
        for (double tick : axis.ticks()) {
            int y = bottom - (int) Math.round(axis.fraction(tick) * (bottom - top));
            g.setColor(new Color(0xe4e4e4));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String text = tickLabel(tick, axis.hi());
            g.drawString(text, left - 6 - fm.stringWidth(text), y + fm.getAscent() / 2 - 1);
        }

        int groupWidth = (right - left) / t.workloads().size();
        int slot = Math.min(80, (int) (groupWidth * 0.8) / t.targets().size());  // few bars stay slim
        int barWidth = Math.max(2, (int) (slot * 0.85));
        for (int w = 0; w < t.workloads().size(); w++) {
            String workload = t.workloads().get(w);
            int groupX = left + w * groupWidth + (groupWidth - slot * t.targets().size()) / 2;
            for (int s = 0; s < t.targets().size(); s++) {
                Double v = values.get(key(workload, t.targets().get(s)));
                if (v == null || !axis.shows(v)) continue;
                int x = groupX + s * slot + (slot - barWidth) / 2;
                int y = bottom - (int) Math.round(axis.fraction(v) * (bottom - top));
                g.setColor(colours.get(t.targets().get(s)));
                g.fillRect(x, y, barWidth, bottom - y);
                g.setColor(Color.BLACK);
                fitted(g, label.apply(v), 12, x + barWidth / 2, y - 4, slot - 2);
            }
            g.setColor(Color.BLACK);
            fitted(g, workload, 14, left + w * groupWidth + groupWidth / 2, bottom + 20, groupWidth - 8);
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top - 10, left, bottom);
        if (values.values().stream().noneMatch(v -> v != null && axis.shows(v))) {
            g.setFont(font(Font.ITALIC, 14));
            centered(g, "no data", (left + right) / 2, (top + bottom) / 2);
        }
    }

    /** Draws text centred at x, shrinking the font from size down to 8 pt until it fits in maxWidth. */
    static void fitted(Graphics2D g, String text, int size, int x, int baseline, int maxWidth) {
        g.setFont(font(Font.PLAIN, size));
        while (size > 8 && g.getFontMetrics().stringWidth(text) > maxWidth) g.setFont(font(Font.PLAIN, --size));
        centered(g, text, x, baseline);
    }

    static void centered(Graphics2D g, String text, int x, int baseline) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }

    static Font font(int style, int size) { return new Font(Font.SANS_SERIF, style, size); }

    static double max(Map<String, Double> values) {
        return values.values().stream().filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** "5k" style only on axes reaching 10k, so a latency axis says 1000 rather than 1k. */
    static String tickLabel(double v, double axisMax) {
        if (axisMax >= 10_000 && v >= 1000 && v % 1000 == 0) return (long) (v / 1000) + "k";
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** Maps values to 0..1 of the plot height, linearly from 0 or by log10 between two powers of ten. */
    record Axis(double lo, double hi, boolean log, List<Double> ticks) {
        static Axis linear(double max) {
            if (max <= 0) return new Axis(0, 1, false, List.of(0.0, 1.0));
            double magnitude = Math.pow(10, Math.floor(Math.log10(max / 5)));
            double step = magnitude * 10;
            for (double m : new double[] {1, 2, 2.5, 5}) {
                if (magnitude * m >= max / 5) { step = magnitude * m; break; }
            }
            List<Double> ticks = new ArrayList<>();
            int count = (int) Math.ceil(max / step - 1e-9);
            for (int i = 0; i <= count; i++) ticks.add(i * step);
            return new Axis(0, count * step, false, ticks);
        }

        /** Log scale once the positive values span more than 50x, so the short bars stay visible. */
        static Axis forLatency(Map<String, Double> values) {
            double min = values.values().stream().filter(v -> v != null && v > 0)
                    .mapToDouble(Double::doubleValue).min().orElse(0);
            double max = max(values);
            if (min <= 0 || max / min <= 50) return linear(max);
            // The floor goes a decade lower when min is a power of ten, so its bar does not vanish.
            double lo = Math.pow(10, Math.floor(Math.log10(min) - 1e-9)), hi = Math.pow(10, Math.ceil(Math.log10(max)));
            List<Double> ticks = new ArrayList<>();
            for (double decade = lo; decade <= hi * 1.001; decade *= 10) {
                for (double m : new double[] {1, 2, 5}) if (decade * m <= hi * 1.001) ticks.add(decade * m);
            }
            return new Axis(lo, hi, true, ticks);
        }

        /** A log axis has no place for zero; such a cell gets no bar, like a missing one. */
        boolean shows(double v) { return !log || v > 0; }

        double fraction(double v) {
            return log ? Math.log10(v / lo) / Math.log10(hi / lo) : (v - lo) / (hi - lo);
        }
    }
}
