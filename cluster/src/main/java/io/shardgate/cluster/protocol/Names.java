package io.shardgate.cluster.protocol;

/**
 * The one rule for collection names and record keys, the same at every layer (configuration, gateway,
 * shard node, cache node). Both are URL-safe as they stand, so internal paths carry them unencoded,
 * and both are checked in linear time without a regular expression.
 */
public final class Names {
  private Names() {}

  public static final int MAX_COLLECTION_LENGTH = 64;
  public static final int MAX_KEY_LENGTH = 128;

  /** Said in error messages and docs. */
  public static final String COLLECTION_RULE =
      "1 to " + MAX_COLLECTION_LENGTH + " characters of a-z 0-9 _ - starting with a letter or digit";
  public static final String KEY_RULE =
      "1 to " + MAX_KEY_LENGTH + " characters of A-Z a-z 0-9 . _ ~ - starting with a letter or digit";

  public static boolean isCollection(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_COLLECTION_LENGTH || !lowerAlnum(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!lowerAlnum(c) && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  public static boolean isKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || !alnum(key.charAt(0))) {
      return false;
    }
    for (int i = 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!alnum(c) && c != '.' && c != '_' && c != '~' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean lowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean alnum(char c) {
    return lowerAlnum(c) || (c >= 'A' && c <= 'Z');
  }
}
