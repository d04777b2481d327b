package io.nbo.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured API keys, known only by the SHA-256 of each key: {@code NAME:ROLE[+ROLE...]:SHA256HEX}
 * entries separated by commas, spaces or new lines. A key presented by a caller is hashed and compared
 * with every configured hash in constant time, so neither the key nor how much of it matched shows in
 * the timing. Keys are random (see {@link #newKey()}), so a fast hash is enough: a slow password KDF
 * protects guessable secrets, and would cost every request milliseconds of CPU.
 */
public final class ApiKeys {

    /** One key: its name (who, in the audit log), its roles, and the SHA-256 of the key. */
    public record Entry(String name, Set<String> roles, byte[] hash) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads the entries of {@code nbo.security.keys}.
     *
     * @throws IllegalArgumentException naming the first bad entry by position and name, never its hash
     */
    public static ApiKeys parse(String config) {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        int position = 0;
        for (String item : config == null ? new String[0] : config.trim().split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            position++;
            String[] parts = item.split(":", -1);
            String where = "nbo.security.keys entry " + position;
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + " is not NAME:ROLE[+ROLE...]:SHA256HEX");
            }
            if (!NAME.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + ": the name must be 1-64 letters, digits or . _ -");
            }
            where += " (" + parts[0] + ")";
            if (!names.add(parts[0])) {
                throw new IllegalArgumentException(where + ": the name is used twice");
            }
            Set<String> roles = new LinkedHashSet<>();
            for (String role : parts[1].split("\\+")) {
                if (!Roles.ALL.contains(role)) {
                    throw new IllegalArgumentException(where + ": unknown role '" + role + "'; roles are " + new java.util.TreeSet<>(Roles.ALL));
                }
                roles.add(role);
            }
            if (!HASH.matcher(parts[2]).matches()) {
                throw new IllegalArgumentException(where + ": the hash must be the 64 hex digits of the key's SHA-256 (nbo keys hash)");
            }
            entries.add(new Entry(parts[0], Set.copyOf(roles), HexFormat.of().parseHex(parts[2].toLowerCase(java.util.Locale.ROOT))));
        }
        return new ApiKeys(entries);
    }

    public int size() {
        return entries.size();
    }

    /** The entry whose hash is the presented key's, compared with every entry in constant time; empty for an unknown key. */
    public Optional<Entry> match(String presented) {
        byte[] hash = sha256(presented);
        Entry found = null;
        for (Entry e : entries) {
            // No early exit: every entry is compared, whatever matched before.
            if (MessageDigest.isEqual(e.hash(), hash) && found == null) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The SHA-256 of the key's UTF-8 bytes, in lowercase hex: what {@code nbo.security.keys} holds. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** A new random key: 32 bytes from a {@link java.security.SecureRandom}, URL-safe base64 (43 characters). */
    public static String newKey() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
