package io.shardgate.cluster.config;

import java.util.regex.Pattern;

/** Keeps credentials that travel inside URLs ({@code rediss://user:password@host}) out of messages and logs. */
public final class Secrets {
  private static final Pattern USER_INFO = Pattern.compile("^([a-z]+://)([^@/]*)@");

  private Secrets() {}

  /** The URL with the password of its user-info part, if any, replaced by {@code ***}. */
  public static String redactUrl(String url) {
    var m = USER_INFO.matcher(url);
    if (!m.find()) {
      return url;
    }
    String userInfo = m.group(2);
    int colon = userInfo.indexOf(':');
    String shown = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
    return m.group(1) + shown + "@" + url.substring(m.end());
  }

  public static boolean hasUserInfo(String url) {
    return USER_INFO.matcher(url).find();
  }
}
