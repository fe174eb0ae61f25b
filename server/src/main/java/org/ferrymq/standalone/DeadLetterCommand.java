package org.ferrymq.standalone;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferrymq.client.DeadLetters;
import org.ferrymq.client.FerryConnectionFactory;

/**
 * {@code bin/ferrymq dlq retry}: sends the messages of a dead-letter or expiry queue of a
 * running server back to where they came from ({@link DeadLetters#retry}), over its TCP port.
 * A password is read from standard input (first line) with {@code --password-stdin}, or asked
 * on the terminal without echo; it is never printed.
 *
 * <pre>
 * DeadLetterCommand retry --url tcp://HOST:PORT [--user NAME [--password-stdin]] [--selector SELECTOR] QUEUE
 * </pre>
 */
public final class DeadLetterCommand {

    static final int DONE = 0;
    /** The server refused (unreachable, wrong password, bad selector) or a message could not go back. */
    static final int FAILED = 1;
    static final int USAGE = 2;
    private static final String USAGE_TEXT = "usage: bin/ferrymq dlq retry --url tcp://HOST:PORT "
            + "[--user NAME [--password-stdin]] [--selector SELECTOR] QUEUE";
    private static final Set<String> WITH_VALUE = Set.of("--url", "--user", "--selector");
    private static final String PASSWORD_STDIN = "--password-stdin";

    private DeadLetterCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.console(), System.in, System.out, System.err));
    }

    /** Carries out one command; answers the exit status. {@code console} null: no terminal to ask a password on. */
    static int run(String[] args, Console console, InputStream stdin, PrintStream out, PrintStream err) {
        Call call;
        try {
            call = Call.parse(args, console != null);
        } catch (IllegalArgumentException e) {
            err.println("bin/ferrymq dlq: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String command = "bin/ferrymq dlq retry " + call.queue;
        char[] password = null;
        try {
            if (call.user != null) {
                password = password(call, console, stdin);
            }
            FerryConnectionFactory factory = new FerryConnectionFactory(call.url);
            int sent;
            try (Connection connection = call.user == null ? factory.createConnection()
                    : factory.createConnection(call.user, new String(password))) {
                sent = DeadLetters.retry(connection, call.queue, call.selector, err::println);
            }
            out.println("Sent " + sent + " message(s) of '" + call.queue + "' back to where they came from");
            return DONE;
        } catch (JMSException | IOException | RuntimeException e) {
            err.println(command + ": " + e.getMessage());
            return FAILED;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private static char[] password(Call call, Console console, InputStream stdin) throws IOException {
        if (call.passwordStdin) {
            // the first line of standard input, so that scripts can pass it without it showing anywhere
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            return line == null ? new char[0] : line.toCharArray();
        }
        char[] typed = console.readPassword("Password for %s: ", call.user);
        return typed == null ? new char[0] : typed;
    }

    /** One call's arguments, checked. */
    private record Call(String url, String user, boolean passwordStdin, String selector, String queue) {

        static Call parse(String[] args, boolean terminal) {
            if (args.length == 0) {
                throw new IllegalArgumentException("name an action: retry");
            }
            if (!args[0].equals("retry")) {
                throw new IllegalArgumentException("unknown action '" + args[0] + "'; the only one is retry");
            }
            Map<String, String> options = new HashMap<>();
            boolean passwordStdin = false;
            List<String> queues = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals(PASSWORD_STDIN)) {
                    passwordStdin = true;
                } else if (WITH_VALUE.contains(arg)) {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException("option " + arg + " needs a value");
                    }
                    if (options.put(arg, args[++i]) != null) {
                        throw new IllegalArgumentException("option " + arg + " is given twice; give it once");
                    }
                } else if (arg.startsWith("--")) {
                    throw new IllegalArgumentException("unknown option '" + arg + "'; the options are --url, --user, "
                            + PASSWORD_STDIN + " and --selector");
                } else {
                    queues.add(arg);
                }
            }
            String url = options.get("--url");
            if (url == null) {
                throw new IllegalArgumentException("give the server's address with --url tcp://HOST:PORT");
            }
            if (!url.startsWith("tcp://")) {
                throw new IllegalArgumentException("--url must be the tcp:// URL of a running server, e.g. "
                        + "tcp://localhost:61616 (a vm:// URL would start a broker of its own in this command)");
            }
            String user = options.get("--user");
            if (passwordStdin && user == null) {
                throw new IllegalArgumentException(PASSWORD_STDIN + " needs --user NAME");
            }
            if (user != null && !passwordStdin && !terminal) {
                throw new IllegalArgumentException("--user " + user + " needs a password: give it on standard input"
                        + " with " + PASSWORD_STDIN + " (no terminal to ask it on)");
            }
            if (queues.isEmpty()) {
                throw new IllegalArgumentException("name the queue to send back from, e.g. DLQ");
            }
            if (queues.size() > 1) {
                throw new IllegalArgumentException("give one queue, not " + queues.size() + " (" + String.join(", ",
                        queues) + "); run the command once per queue");
            }
            return new Call(url, user, passwordStdin, options.get("--selector"), queues.get(0));
        }
    }
}
