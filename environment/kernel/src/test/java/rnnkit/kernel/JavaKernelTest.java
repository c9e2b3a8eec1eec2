package rnnkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaKernelTest {

    private static JavaKernel kernel;
    private static int count;

    @BeforeAll
    static void start() {
        kernel = JavaKernel.create(System.getProperty("java.class.path"));
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    private static DisplayData run(String code) throws CellError {
        return kernel.execute(code, ++count);
    }

    private static CellError fails(String code) {
        return assertThrows(CellError.class, () -> run(code), () -> "expected to fail: " + code);
    }

    @Test
    void valuesAreRendered() throws CellError {
        assertEquals("2", run("1 + 1").getData(MIMEType.TEXT_PLAIN));
        assertEquals("null", run("Object nothing = null;\nnothing").getData(MIMEType.TEXT_PLAIN));
        assertEquals("int[3] { 1, 2, 3 }", run("new int[] {1, 2, 3}").getData(MIMEType.TEXT_PLAIN));
        assertEquals("double[2][] { double[1] { 0.5 }, double[0] {  } }",
                run("new double[][] {{0.5}, {}}").getData(MIMEType.TEXT_PLAIN));
        assertNull(run("int quiet = 3;"));
        assertTrue(((String) run("new org.ejml.data.DMatrixRMaj(2, 2)").getData(MIMEType.TEXT_HTML)).contains("<table"));
    }

    @Test
    void imagesBecomePngs() throws CellError {
        DisplayData d = run("var img = new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB);\nimg");
        String png = (String) d.getData(MIMEType.IMAGE_PNG);
        assertTrue(png != null && png.startsWith("iVBORw0KGgo"), "base64 PNG: " + png);
    }

    @Test
    void magicsRunInOrderWithTheCodeAroundThem(@TempDir Path dir) throws Exception {
        Path jar = helloJar(dir);
        DisplayData d = run("String before = \"b\";\n%jars " + dir + "/*.jar\ndemo.Hello.hi() + before");
        assertEquals("hib", d.getData(MIMEType.TEXT_PLAIN));
        Files.delete(jar);
    }

    @Test
    void classpathAddsFoldersAndLoadRunsFiles(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        compile(classes, "demo2/Greeter.java", "package demo2; public class Greeter { public static String greet() { return \"hello\"; } }");
        Path script = dir.resolve("helpers.jsh");
        Files.writeString(script, "int helper(int x) {\n  return x + 100;\n}\nhelper(1)");
        DisplayData d = run("%classpath " + classes + "\ndemo2.Greeter.greet()");
        assertEquals("hello", d.getData(MIMEType.TEXT_PLAIN));
        assertEquals("101", run("%load " + script).getData(MIMEType.TEXT_PLAIN));
        assertEquals("102", run("helper(2)").getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void errorsInLoadedFilesNameTheFile(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("broken.jsh");
        Files.writeString(script, "int fine = 1;\nint notFine = \"x\";");
        CellError e = fails("%load " + script);
        assertTrue(e.evalue().startsWith(script + ", line 2"), e.evalue());
    }

    @Test
    void theUnknownMagicMessageListsExactlyTheMagicsThatRun() {
        String listed = fails("%nonsense").evalue().replaceFirst("(?s).*this kernel has ", "");
        List<String> names = java.util.Arrays.stream(listed.split(", | and ")).map(String::strip).toList();
        assertEquals(5, names.size(), listed);
        for (String name : names) { // each one runs: it may fail on its missing argument, but it is no unknown magic
            CellError e = fails(name);
            assertTrue(!e.evalue().contains("unknown magic"), name + ": " + e.evalue());
        }
        assertEquals(listed, fails("%%time\nint c = 1;").evalue().replaceFirst("(?s).*the line magics ", ""));
    }

    @Test
    void badMagicsSayWhatIsWrongAndWhere() {
        CellError unknown = fails("int a = 1;\n%nonsense x");
        assertEquals("MagicError", unknown.ename());
        assertTrue(unknown.evalue().contains("line 2") && unknown.evalue().contains("unknown magic %nonsense"), unknown.evalue());
        assertTrue(fails("%%time\nint b = 1;").evalue().contains("cell magics"), "cell magics");
        assertTrue(fails("%jars /no/such/folder/*.jar").evalue().contains("no jar file matches"), "no match");
        assertTrue(fails("%maven not-a-coordinate").evalue().contains("is not a Maven coordinate"), "bad coordinate");
        assertTrue(fails("%classpath /no/such/dir").evalue().contains("does not exist"), "missing path");
        assertTrue(fails("%load").evalue().contains("takes one file"), "missing file");
    }

    @Test
    void percentSignsInCommentsAndTextBlocksAreNotMagics() throws CellError {
        assertEquals("3", run("/*\n%notamagic\n*/\nString s = \"\"\"\n  %alsonot\n  \"\"\";\n1 + 2").getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void completionCountsCodePoints() throws CellError {
        run("String greeting = \"hi\";");
        String code = "String emoji = \"\uD83D\uDE00\";\ngreeting.len";
        var options = kernel.complete(code, code.codePointCount(0, code.length()));
        assertTrue(options.getReplacements().contains("length()"), options.getReplacements().toString());
        assertEquals(code.codePointCount(0, code.length()) - 3, options.getSourceStart());
    }

    @Test
    void isCompleteGuidesConsoles() {
        assertEquals(JavaKernel.IS_COMPLETE_YES, kernel.isComplete("int x = 1;"));
        assertEquals("    ", kernel.isComplete("void f() {"));
    }

    private static Path helloJar(Path dir) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("hello-classes"));
        compile(classes, "demo/Hello.java", "package demo; public class Hello { public static String hi() { return \"hi\"; } }");
        Path jar = dir.resolve("hello.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("demo/Hello.class"));
            j.write(Files.readAllBytes(classes.resolve("demo/Hello.class")));
            j.closeEntry();
        }
        return jar;
    }

    private static void compile(Path classes, String name, String source) throws IOException {
        Path file = classes.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-d", classes.toString(), file.toString());
        assertEquals(0, rc, err.toString());
        List.of(file).forEach(f -> f.toFile().delete());
    }
}
