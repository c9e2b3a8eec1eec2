package rnnkit.kernel;

import java.lang.reflect.Array;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.HistoryReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import rnnkit.kernel.display.KernelRichDisplay;
import rnnkit.kernel.display.Renderers;
import rnnkit.kernel.execution.SnippetExecutionControl;
import rnnkit.ui.RichDisplay;

/**
 * The kit's Java kernel: IJava's behaviour, seen from the notebook, on JJava's Jupyter messaging and the JDK's
 * JShell. Cells run in this JVM (see {@link SnippetExecutionControl}); values are rendered by the kit's
 * renderers; magic lines run in order with the code around them.
 */
public final class JavaKernel extends BaseKernel {

    public static final String VERSION = "0.1.0";

    private final CompletableFuture<CellEvaluator> evaluator;
    private final Magics magics;
    /** BaseKernel's {@code io}, as the kit's subclass. */
    private final KitJupyterIO kitIO;

    private JavaKernel(Builder b, KitJupyterIO kitIO, String classpath) {
        super("rnnkit-java", VERSION,
                new LanguageInfo.Builder("java")
                        .version(String.valueOf(Runtime.version().feature()))
                        .mimetype("text/x-java-source")
                        .fileExtension(".jshell")
                        .pygments("java")
                        .codemirror("text/x-java")
                        .build(),
                List.of(new HelpLink("Java " + Runtime.version().feature() + " API",
                        "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/")),
                null,
                kitIO,
                b.commManager(),
                b.renderer(),
                null,
                b.magics(),
                false,
                b.errorStyler());
        this.kitIO = kitIO;
        Renderers.registerAll(renderer);
        // JShell's start-up (javac, default imports) takes about a second: do it while Jupyter connects.
        this.evaluator = CompletableFuture.supplyAsync(() -> new CellEvaluator(classpath));
        this.magics = new Magics(new Magics.Session() {
            @Override
            public void addToClasspath(String path) {
                evaluator().addToClasspath(path);
            }

            @Override
            public Object run(CellSource source) throws CellError {
                return runCell(source);
            }
        });
    }

    /** A kernel whose cells compile against {@code classpath} (normally the kernel's own class path). */
    public static JavaKernel create(String classpath) {
        return new Builder().build(classpath);
    }

    @Override
    public void onStartup() {
        super.onStartup();
        RichDisplay.install(new KernelRichDisplay(this));
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        RichDisplay.install(null);
        evaluator().interrupt();
        evaluator().close();
        super.onShutdown(isRestarting);
    }

    /** Runs a cell and returns what it shows as its result, or null. Errors are {@link CellError}s. */
    DisplayData execute(String code, int executionCount) throws CellError {
        evaluator().beginCell();
        Object value = runCell(new CellSource("In [" + executionCount + "]", code));
        evaluator().endCell();
        return value == SnippetExecutionControl.NO_VALUE ? null : render(value);
    }

    private Object runCell(CellSource source) throws CellError {
        Object value = SnippetExecutionControl.NO_VALUE;
        for (CellSource.Part part : source.parts()) {
            if (part instanceof CellSource.Magic) {
                Object loaded = magics.run(source, (CellSource.Magic) part);
                value = loaded == null ? SnippetExecutionControl.NO_VALUE : loaded;
            } else {
                CellSource.Java java = (CellSource.Java) part;
                value = evaluator().eval(source, java.start(), java.end());
            }
        }
        return value;
    }

    private DisplayData render(Object value) throws CellError {
        try {
            if (value == null) {
                return new DisplayData("null");
            }
            if (value.getClass().isArray()) {
                return new DisplayData(arrayText(value));
            }
            return renderer.render(value);
        } catch (RuntimeException e) {
            throw CellError.display(value, e);
        }
    }

    /** Arrays as JShell writes them: {@code double[3] { 1.0, 2.0, 3.0 }}. */
    static String arrayText(Object array) {
        int n = Array.getLength(array);
        String component = array.getClass().getComponentType().getSimpleName(); // "double[]" for double[][]
        int inner = component.indexOf('[');
        StringBuilder sb = new StringBuilder(inner < 0 ? component : component.substring(0, inner))
                .append('[').append(n).append(']').append(inner < 0 ? "" : component.substring(inner)).append(" { ");
        for (int i = 0; i < Math.min(n, 1000); i++) {
            Object e = Array.get(array, i);
            sb.append(i > 0 ? ", " : "").append(e != null && e.getClass().isArray() ? arrayText(e) : String.valueOf(e));
        }
        return sb.append(n > 1000 ? ", ... }" : " }").toString();
    }

    @Override
    public Object evalRaw(String code) {
        try {
            Object value = runCell(new CellSource("eval", code));
            return value == SnippetExecutionControl.NO_VALUE ? null : value;
        } catch (CellError e) {
            throw new IllegalStateException(String.join("\n", e.traceback()), e);
        }
    }

    /**
     * JJava's {@link BaseKernel} handler for an execute request as in jjava-jupyter 1.0-a6, the version in this
     * module's pom ({@code javap -c} on its {@code BaseKernel.handleExecuteRequest} shows the same calls sending the
     * same messages in the same order), with one difference: errors keep their real names and point at cell lines.
     * Upstream builds the error with {@code ErrorReply.of(Exception)} and {@code PublishError.of}, which name an error
     * by its class's simple name, so every failing cell would say "CellError". When upgrading JJava, compare this
     * method with the new version's handler.
     */
    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        replaceOutputStreams(env);
        kitIO.attach(env, request.isStdinEnabled());
        env.defer(() -> kitIO.detach(env));
        try {
            DisplayData out = execute(request.getCode(), count);
            flushStreams();
            if (out != null) {
                env.publish(new PublishExecuteResult(count, out));
            }
            String hidden = evaluator().valueHiddenBySemicolon();
            Map<String, Object> metadata = hidden == null ? Map.of() : Map.of("rnnkit", Map.of("value_hidden_by_semicolon", hidden));
            env.defer().reply(new Message<>(message, ExecuteReply.MESSAGE_TYPE,
                    new ExecuteReply(count, Collections.emptyMap()), null, metadata));
        } catch (CellError | RuntimeException e) {
            CellError error = e instanceof CellError ? (CellError) e : CellError.internal(e);
            flushStreams();
            env.publish(new PublishError(error.ename(), error.evalue(), error.traceback()));
            ErrorReply reply = new ErrorReply(error.ename(), error.evalue(), error.traceback());
            reply.setExecutionCount(count);
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        }
    }

    /**
     * The kernel keeps no history, so the answer is an empty one; but an answer there must be: JupyterLab 4 and
     * Notebook 7 ask for it on connecting and take the kernel's first status from the busy/idle around the reply
     * (they ignore those around kernel_info). Without it a freshly opened notebook shows the kernel as "Unknown".
     */
    @Override
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> request) {
        env.setBusyDeferIdle();
        env.defer().reply(new HistoryReply(List.of()));
    }

    /** Output printed before a display or an error must appear before it. */
    private static void flushStreams() {
        System.out.flush();
        System.err.flush();
    }

    @Override
    public void display(DisplayData data) {
        flushStreams();
        super.display(data);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String text = evaluator().inspect(code, toCharIndex(code, at));
        return text == null ? null : new DisplayData(text);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        CellEvaluator.Completion c = evaluator().complete(code, toCharIndex(code, at));
        return new ReplacementOptions(c.options(), code.codePointCount(0, c.start()), code.codePointCount(0, c.end()));
    }

    @Override
    public String isComplete(String code) {
        if (code.strip().startsWith("%")) {
            return IS_COMPLETE_YES;
        }
        String indent = evaluator().indentIfIncomplete(code);
        return indent == null ? IS_COMPLETE_YES : indent.isEmpty() ? IS_COMPLETE_MAYBE : indent;
    }

    @Override
    public void interrupt() {
        evaluator().interrupt();
    }

    /** Jupyter counts cursor positions in code points, Java strings in chars. */
    private static int toCharIndex(String code, int codePoints) {
        int cp = Math.max(0, Math.min(codePoints, code.codePointCount(0, code.length())));
        return code.offsetByCodePoints(0, cp);
    }

    private CellEvaluator evaluator() {
        try {
            return evaluator.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("JShell could not start: " + e.getCause(), e.getCause());
        }
    }

    /** BaseKernel's collaborators come from protected builder methods; this builder hands them over. */
    private static final class Builder extends BaseKernelBuilder<Builder, JavaKernel> {
        JavaKernel build(String classpath) {
            return new JavaKernel(this, (KitJupyterIO) buildJupyterIO(buildJupyterIOEncoding()), classpath);
        }

        @Override
        public JavaKernel build() {
            return build(System.getProperty("java.class.path"));
        }

        @Override
        protected org.dflib.jjava.jupyter.kernel.JupyterIO buildJupyterIO(java.nio.charset.Charset encoding) {
            return new KitJupyterIO(encoding);
        }

        org.dflib.jjava.jupyter.kernel.comm.CommManager commManager() {
            return buildCommManager();
        }

        org.dflib.jjava.jupyter.kernel.display.Renderer renderer() {
            return buildRenderer();
        }

        org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry magics() {
            return buildMagicsRegistry();
        }

        org.dflib.jjava.jupyter.kernel.util.StringStyler errorStyler() {
            return buildErrorStyler();
        }
    }
}
