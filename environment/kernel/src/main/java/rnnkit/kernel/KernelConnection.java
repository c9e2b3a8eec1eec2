package rnnkit.kernel;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.dflib.jjava.jupyter.channels.HeartbeatChannel;
import org.dflib.jjava.jupyter.channels.IOPubChannel;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.channels.StdinChannel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.KernelTimestamp;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.dflib.jjava.jupyter.messages.reply.InputReply;
import org.dflib.jjava.jupyter.messages.request.InputRequest;
import org.zeromq.ZMQ;

/**
 * JJava's connection to Jupyter, with every message the kernel sends stamped the way the messaging protocol asks:
 * {@code header.session} is the kernel's own session id, {@code username} is "kernel", and {@code date} is an ISO 8601
 * UTC time to the microsecond.
 *
 * <p>JJava copies the session of the request being answered into its messages' headers (and its status message at
 * start-up has no session at all), and writes dates without seconds. JupyterLab 4 and Notebook 7 open several
 * connections to one kernel and ignore every message whose session differs from that of the message before it
 * ("Canceling handling of old message"), so with JJava's headers a notebook's kernel stays "Unknown" and replies are
 * lost. This class replaces JJava's channels with ones that re-stamp each outgoing message; everything else is
 * JJava's.
 */
final class KernelConnection extends JupyterConnection {

    static final DateTimeFormatter ISO_MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private final String session = UUID.randomUUID().toString();
    private final KernelConnectionProperties properties;
    private final ZMQ.Context zmq = ZMQ.context(1);
    private final HeartbeatChannel heartbeatChannel;
    private final ShellChannel shellChannel;
    private final ShellChannel controlChannel;
    private final StdinChannel stdinChannel;
    private final IOPubChannel iopubChannel;
    private boolean connected;

    KernelConnection(KernelConnectionProperties properties) throws NoSuchAlgorithmException, InvalidKeyException {
        super(properties); // its own channels are never bound; close() releases them
        this.properties = properties;
        HMACGenerator hmac = properties.createHMACGenerator();
        heartbeatChannel = new HeartbeatChannel(zmq, hmac);
        shellChannel = new ShellChannel(zmq, hmac, false, this) {
            @Override
            public synchronized void sendMessage(Message<?> message) {
                super.sendMessage(stamp(message));
            }
        };
        controlChannel = new ShellChannel(zmq, hmac, true, this) {
            @Override
            public synchronized void sendMessage(Message<?> message) {
                super.sendMessage(stamp(message));
            }
        };
        stdinChannel = new StdinChannel(zmq, hmac) {
            @Override
            public synchronized void sendMessage(Message<?> message) {
                super.sendMessage(stamp(message));
            }

            // JJava's version sends through JupyterSocket's sendMessage directly, past the stamp above.
            @Override
            public synchronized String getInput(MessageContext context, String prompt, boolean isPassword) {
                sendMessage(new Message<>(context, InputRequest.MESSAGE_TYPE, new InputRequest(prompt, isPassword)));
                return readMessage(InputReply.MESSAGE_TYPE).getContent().getValue() + System.lineSeparator();
            }
        };
        iopubChannel = new IOPubChannel(zmq, hmac) {
            @Override
            public synchronized void sendMessage(Message<?> message) {
                super.sendMessage(stamp(message));
            }
        };
    }

    /** The kernel's session id, the one its messages carry. */
    String session() {
        return session;
    }

    /** {@code message} with the kernel's session, username and a full timestamp in its header. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Message<?> stamp(Message<?> message) {
        Header<?> h = message.getHeader();
        Header<?> stamped = new Header(h.getId(), Header.KERNEL_USERNAME, session,
                new KernelTimestamp(ZonedDateTime.now(ZoneOffset.UTC).format(ISO_MICROS)), h.getType(), h.getVersion());
        return new Message(message.getIdentities(), stamped, message.hasParentHeader() ? message.getParentHeader() : null,
                message.getMetadata(), message.getContent(), message.getBlobs());
    }

    private List<JupyterSocket> channels() {
        return List.of(heartbeatChannel, shellChannel, controlChannel, stdinChannel, iopubChannel);
    }

    @Override
    public void connect() {
        if (!connected) {
            channels().forEach(c -> c.bind(properties));
            iopubChannel.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
            connected = true;
        }
    }

    @Override
    public IOPubChannel getIOPub() {
        return iopubChannel;
    }

    @Override
    public ShellReplyEnvironment prepareReplyEnv(ShellChannel shell, MessageContext context) {
        return new ReplyEnvironment(shell, stdinChannel, iopubChannel, context);
    }

    @Override
    public void close() {
        channels().forEach(JupyterSocket::close);
        zmq.close();
        super.close();
    }

    @Override
    public void waitUntilClose() {
        channels().forEach(JupyterSocket::waitUntilClose);
    }

    /** JJava's reply environment, over this connection's channels (its constructor is protected). */
    private static final class ReplyEnvironment extends ShellReplyEnvironment {
        ReplyEnvironment(ShellChannel shell, StdinChannel stdin, JupyterSocket iopub, MessageContext context) {
            super(shell, stdin, iopub, context);
        }
    }
}
