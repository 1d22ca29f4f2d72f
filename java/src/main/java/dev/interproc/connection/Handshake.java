package dev.interproc.connection;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Python's challenge-response authentication ({@code deliver_challenge} / {@code answer_challenge}), following
 * the 3.12+ rules, which are a superset of the HMAC-MD5 protocol of 3.11 and older: we challenge with
 * {@code {sha256}} and 40 random bytes (an old peer answers that with raw HMAC-MD5, which we accept), and answer
 * an unprefixed 20-byte challenge with raw HMAC-MD5 and a prefixed one with the same digest.
 */
final class Handshake {

    static final byte[] CHALLENGE = ascii("#CHALLENGE#");
    static final byte[] WELCOME = ascii("#WELCOME#");
    static final byte[] FAILURE = ascii("#FAILURE#");
    /** Every handshake receive is limited to this, as in Python, so a peer cannot make us allocate. */
    static final int MAX_HANDSHAKE_MESSAGE = 256;

    static final String DEFAULT_DIGEST = "sha256";
    private static final int MESSAGE_LENGTH = 40;
    private static final int MD5_ONLY_MESSAGE_LENGTH = 20;
    private static final int MD5_LENGTH = 16;
    /** Python's allowed digest names and the JDK's HMAC algorithm for each. */
    private static final Map<String, String> HMAC_ALGORITHMS = Map.of(
            "md5",
            "HmacMD5",
            "sha256",
            "HmacSHA256",
            "sha384",
            "HmacSHA384",
            "sha3_256",
            "HmacSHA3-256",
            "sha3_384",
            "HmacSHA3-384");

    private static final int MAX_DIGEST_NAME = 8;
    private static final SecureRandom SECURE_RANDOM = new SecureRandom();

    /** Random bytes from the system's secure source, as Python's {@code os.urandom}. */
    static final IntFunction<byte[]> SECURE_BYTES = count -> {
        byte[] bytes = new byte[count];
        SECURE_RANDOM.nextBytes(bytes);
        return bytes;
    };

    private final Connection connection;
    private final byte[] authkey;
    private final IntFunction<byte[]> random;
    private final long deadline;
    private final Duration timeout;

    private Handshake(Connection connection, byte[] authkey, IntFunction<byte[]> random, Duration timeout) {
        this.connection = connection;
        this.authkey = authkey;
        this.random = random;
        this.timeout = timeout;
        this.deadline = Endpoint.deadlineAfter(timeout);
    }

    /** The two ends of the handshake, which run the same two steps in opposite order. */
    enum Side {
        /** The listener's side: challenge the client, then answer its challenge. */
        LISTENER,
        /** The client's side: answer the listener's challenge, then challenge it. */
        CLIENT
    }

    /** Runs {@code side}'s part of the handshake on a new connection and marks it authenticated. */
    static void authenticate(
            Connection connection, Side side, byte[] authkey, IntFunction<byte[]> random, Duration timeout)
            throws IOException {
        Handshake handshake = new Handshake(connection, authkey, random, timeout);
        if (side == Side.LISTENER) {
            handshake.deliverChallenge();
            handshake.answerChallenge();
        } else {
            handshake.answerChallenge();
            handshake.deliverChallenge();
        }
        connection.markAuthenticated();
    }

    private void deliverChallenge() throws IOException {
        byte[] message = concat(ascii("{" + DEFAULT_DIGEST + "}"), random.apply(MESSAGE_LENGTH));
        connection.sendBytes(concat(CHALLENGE, message));
        byte[] response = receive();
        try {
            verifyChallenge(authkey, message, response);
        } catch (AuthenticationException e) {
            connection.sendBytes(FAILURE);
            throw e;
        }
        connection.sendBytes(WELCOME);
    }

    private void answerChallenge() throws IOException {
        byte[] challenge = receive();
        if (!startsWith(challenge, CHALLENGE)) {
            throw new AuthenticationException("Protocol error, expected challenge: message=" + PyRepr.bytes(challenge));
        }
        byte[] message = Arrays.copyOfRange(challenge, CHALLENGE.length, challenge.length);
        if (message.length < MD5_ONLY_MESSAGE_LENGTH) {
            throw new AuthenticationException("challenge too short: " + message.length + " bytes");
        }
        connection.sendBytes(createResponse(authkey, message));
        if (!Arrays.equals(receive(), WELCOME)) {
            throw new AuthenticationException("digest sent was rejected");
        }
    }

    private byte[] receive() throws IOException {
        try {
            return connection.recvBytes(MAX_HANDSHAKE_MESSAGE, deadline);
        } catch (SocketTimeoutException e) {
            SocketTimeoutException timedOut = new SocketTimeoutException("authentication handshake timed out after "
                    + timeout + ": the peer did not send its handshake message (is it a multiprocessing client or"
                    + " listener with an authkey?); raise the handshake timeout if the peer is just slow");
            timedOut.initCause(e);
            throw timedOut;
        }
    }

    /** Python's {@code _create_response}: raw HMAC-MD5 for a legacy challenge, else {@code {name}} + HMAC-name. */
    static byte[] createResponse(byte[] authkey, byte[] message) throws AuthenticationException {
        String digest = digestName(message);
        if (digest.isEmpty()) {
            return hmac("md5", authkey, message);
        }
        return concat(ascii("{" + digest + "}"), hmac(digest, authkey, message));
    }

    /** Python's {@code _verify_challenge}: any allowed digest the peer chose, compared in constant time. */
    static void verifyChallenge(byte[] authkey, byte[] message, byte[] response) throws AuthenticationException {
        String digest = digestName(response);
        byte[] mac = digest.isEmpty() ? response : Arrays.copyOfRange(response, digest.length() + 2, response.length);
        String name = digest.isEmpty() ? "md5" : digest;
        byte[] expected = hmac(name, authkey, message);
        if (expected.length != mac.length) {
            throw new AuthenticationException(
                    "expected '" + name + "' of length " + expected.length + " got " + mac.length);
        }
        if (!MessageDigest.isEqual(expected, mac)) {
            throw new AuthenticationException("digest received was wrong");
        }
    }

    /**
     * Python's {@code _get_digest_name_and_payload}, returning only the name: "" for the legacy 16- and 20-byte
     * forms, else the allowed name between braces that open the message.
     */
    static String digestName(byte[] message) throws AuthenticationException {
        if (message.length == MD5_LENGTH || message.length == MD5_ONLY_MESSAGE_LENGTH) {
            return "";
        }
        if (message.length > 0 && message[0] == '{') {
            for (int curly = 1; curly < Math.min(message.length, MAX_DIGEST_NAME + 2); curly++) {
                if (message[curly] == '}') {
                    String name = new String(message, 1, curly - 1, StandardCharsets.ISO_8859_1);
                    if (HMAC_ALGORITHMS.containsKey(name)) {
                        return name;
                    }
                    break;
                }
            }
        }
        throw new AuthenticationException(
                "unsupported message length, missing digest prefix, or unsupported digest: message="
                        + PyRepr.bytes(message));
    }

    static byte[] hmac(String digestName, byte[] authkey, byte[] message) {
        String algorithm = HMAC_ALGORITHMS.get(digestName);
        try {
            Mac mac = Mac.getInstance(algorithm);
            // An empty key is legal in HMAC (Python accepts it) but not in SecretKeySpec: HMAC pads keys with
            // zeros to the block size, so a single zero byte is the same key.
            mac.init(new SecretKeySpec(authkey.length == 0 ? new byte[1] : authkey, algorithm));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks " + algorithm + ", which Python's handshake needs", e);
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
