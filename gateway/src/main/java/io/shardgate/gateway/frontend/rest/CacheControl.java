package io.shardgate.gateway.frontend.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a GET asks not to be answered from the gateway's cache (docs/cache.md, "Bypassing the cache
 * per request"). Pure: it sees header values only.
 *
 * <p>Every Cache-Control line counts; several read as one comma-separated list (RFC 9110 §5.3).
 * Directives are split at commas outside quoted strings and trimmed, names compare case-insensitively.
 * {@code no-cache} and {@code no-store} bypass whatever their argument. {@code max-age} bypasses when its
 * argument, bare or quoted, is zero written in digits ({@code 0}, {@code 00}: still zero seconds); an
 * empty, negative or non-numeric one is ignored, as is any other name ({@code no-cachex}).
 * {@code Pragma: no-cache} counts only when the request carries no Cache-Control directive: HTTP/1.0
 * clients send only Pragma, and where both are sent Cache-Control decides (RFC 7234 §5.4).
 */
final class CacheControl {
  private CacheControl() {}

  static boolean bypassRequested(List<String> cacheControl, List<String> pragma) {
    List<String> directives = elements(cacheControl);
    if (directives.isEmpty()) {
      return elements(pragma).stream().anyMatch(p -> p.equalsIgnoreCase("no-cache"));
    }
    return directives.stream().anyMatch(CacheControl::bypasses);
  }

  private static boolean bypasses(String directive) {
    int eq = directive.indexOf('=');
    String name = (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "no-cache", "no-store" -> true;
      case "max-age" -> eq >= 0 && unquote(directive.substring(eq + 1).trim()).matches("0+");
      default -> false;
    };
  }

  private static String unquote(String value) {
    boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
    return quoted ? value.substring(1, value.length() - 1) : value;
  }

  /** The non-empty comma-separated elements of all lines, trimmed; a comma inside quotes separates nothing. */
  private static List<String> elements(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      boolean quoted = false;
      int start = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted && c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && !quoted) {
          add(out, line.substring(start, i));
          start = i + 1;
        }
      }
      add(out, line.substring(start));
    }
    return out;
  }

  private static void add(List<String> out, String element) {
    String trimmed = element.trim();
    if (!trimmed.isEmpty()) {
      out.add(trimmed);
    }
  }
}
