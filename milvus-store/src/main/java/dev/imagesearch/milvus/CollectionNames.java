package dev.imagesearch.milvus;

import dev.imagesearch.hash.Sha256;
import java.util.regex.Pattern;

/**
 * Turns a collection name of the library (usually a model name such as {@code efficientnet-lite0}) into a name
 * Milvus accepts: letters, digits and underscores, starting with a letter or underscore, at most 255 characters.
 *
 * <p>The rule is deterministic and collision-resistant: a name that is already valid is kept as it is. Otherwise
 * every other character becomes {@code _}, an {@code _} is put in front of a leading digit, the result is cut
 * to leave room, and {@code _} plus the first 8 hex digits of the SHA-256 of the original name are appended.
 * So {@code efficientnet-lite0} becomes {@code efficientnet_lite0_<hash>} and {@code efficientnet.lite0}
 * gets another hash.
 */
public final class CollectionNames {

    /** Longest collection name Milvus accepts. */
    public static final int MAX_LENGTH = 255;

    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private CollectionNames() {
    }

    /** Whether Milvus accepts {@code name} as a collection name. */
    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
    }

    /** The Milvus name for {@code name} with {@code prefix} (itself valid or empty) in front. */
    public static String derive(String prefix, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Collection name must not be empty");
        }
        if (isValid(prefix + name)) {
            return prefix + name;
        }
        StringBuilder sb = new StringBuilder(prefix.length() + name.length() + 10).append(prefix);
        if (prefix.isEmpty() && Character.isDigit(name.charAt(0))) {
            sb.append('_');
        }
        name.codePoints().forEach(cp -> sb.append(isNameChar(cp) ? (char) cp : '_'));
        String suffix = "_" + shortHash(name);
        if (sb.length() > MAX_LENGTH - suffix.length()) {
            sb.setLength(MAX_LENGTH - suffix.length());
        }
        return sb.append(suffix).toString();
    }

    private static boolean isNameChar(int cp) {
        return cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_');
    }

    private static String shortHash(String s) {
        return Sha256.hex(s).substring(0, 8);
    }
}
