"""The kernel speaks the Jupyter protocol as a notebook front-end uses it: execution, interrupt, completion,
inspection, restart, and what a cell must not be able to do (end the kernel with System.exit)."""
import shutil
import subprocess
import tempfile
import time
import unittest
import uuid
import zipfile
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from kit import KERNEL, Saturated, plain


class Protocol(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.skipped = []
        start = time.monotonic()
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
        reply, outputs = cls.run_cell("1 + 1")
        cls.first_result_seconds = time.monotonic() - start
        print(f"\n  kernel start to first result: {cls.first_result_seconds:.2f} s", end="")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        if cls.skipped:
            print(f"\n  replies to other requests skipped: {cls.skipped}", end="")

    @classmethod
    def reply_to(cls, msg_id, timeout=60):
        """The shell reply to request msg_id. Replies to other requests are skipped: jupyter_client's start-up
        polling sends one kernel_info_request per poll, and on a slow start their extra replies wait in the queue."""
        deadline = time.monotonic() + timeout
        while True:
            msg = cls.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg
            cls.skipped.append(msg["msg_type"])

    @classmethod
    def run_cell(cls, code, timeout=60):
        """Executes code; returns the execute_reply content and the iopub outputs it produced."""
        msg_id = cls.kc.execute(code)
        outputs = []
        deadline = time.monotonic() + timeout
        while True:
            msg = cls.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind in ("execute_result", "display_data", "update_display_data", "stream", "error"):
                outputs.append((kind, msg["content"]))
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                break
        return cls.reply_to(msg_id, timeout)["content"], outputs

    def wait_until_busy(self, msg_id, timeout=60):
        """Returns once the kernel has started running request msg_id (its status went busy)."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "busy"):
                return

    def result_text(self, code):
        reply, outputs = self.run_cell(code)
        self.assertEqual("ok", reply["status"], outputs)
        results = [c["data"]["text/plain"] for k, c in outputs if k == "execute_result"]
        self.assertEqual(1, len(results), outputs)
        return results[0]

    def test_kernel_info_says_java(self):
        info = self.reply_to(self.kc.kernel_info())["content"]
        self.assertEqual("java", info["language_info"]["name"])
        self.assertEqual("5.3", info["protocol_version"][:3])

    def test_replies_left_over_from_other_requests_are_not_taken_for_answers(self):
        # what a slow start leaves behind: kernel_info requests whose replies nobody read
        for _ in range(3):
            self.kc.kernel_info()
        before = self.skipped.count("kernel_info_reply")
        self.assertEqual("42", self.result_text("6 * 7"))
        self.assertEqual(3, self.skipped.count("kernel_info_reply") - before, "the three stale replies were skipped")

    def test_every_message_carries_the_kernels_own_session_and_a_full_timestamp(self):
        # JupyterLab 4 and Notebook 7 drop a message whose session differs from the one before it; a kernel that
        # signs with its clients' sessions never leaves status "Unknown" there once two front ends connect
        msg_id = self.kc.execute("System.out.println(\"hi\");\n1 + 2")
        seen = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") == msg_id:
                seen.append(msg)
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
        seen.append(self.reply_to(msg_id))
        sessions = {m["header"]["session"] for m in seen}
        self.assertEqual(1, len(sessions), sessions)
        self.assertNotEqual(self.kc.session.session, sessions.pop(), "the kernel's session, not the client's")
        for m in seen:
            self.assertRegex(str(m["header"]["date"]), r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")

    def test_a_value_hidden_by_a_final_semicolon_is_named_in_the_reply(self):
        # IJava and JJava show such a value; the kit's notebooks must not rely on the semicolon (test_notebooks)
        def hidden(code):
            msg_id = self.kc.execute(code)
            return self.reply_to(msg_id)["metadata"].get("rnnkit", {}).get("value_hidden_by_semicolon")
        self.assertEqual("java.io.PrintStream", hidden('System.out.printf("%d%n", 3);'))
        self.assertEqual("java.lang.Integer", hidden("int k = 2;\nk + 1;"))
        self.assertIsNone(hidden('System.out.println("void");'))
        self.assertIsNone(hidden("int j = 4;"))
        self.assertIsNone(hidden("j + 1"), "no semicolon: the value is the cell's result, shown by every kernel")
        self.assertIsNone(hidden('System.out.printf("%d%n", 3);\nSystem.out.println();'), "only the last statement")

    def test_a_history_request_is_answered_between_busy_and_idle(self):
        # front ends take the kernel's first status from this exchange (they ignore kernel_info's)
        msg_id = self.kc.history(hist_access_type="tail", n=10)
        reply = self.reply_to(msg_id)
        self.assertEqual("history_reply", reply["msg_type"])
        self.assertEqual([], reply["content"]["history"])
        states = []
        while "idle" not in states:
            msg = self.kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status":
                states.append(msg["content"]["execution_state"])
        self.assertEqual(["busy", "idle"], states)

    def test_an_interrupt_stops_a_runaway_loop_and_the_next_cell_runs(self):
        self.run_cell("int kept = 7;")
        msg_id = self.kc.execute("long n = 0;\nwhile (true) { n++; }")
        self.wait_until_busy(msg_id)
        time.sleep(0.5)
        asked = time.monotonic()
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=15)
        stopped_after = time.monotonic() - asked
        print(f"\n  interrupt to reply: {stopped_after:.2f} s", end="")
        self.assertEqual("error", reply["content"]["status"])
        self.assertEqual("Interrupted", reply["content"]["ename"])
        self.assertLess(stopped_after, 5)
        self.assertEqual("7", self.result_text("kept"))

    def test_system_exit_is_an_error_and_the_session_survives(self):
        self.run_cell("String memory = \"still here\";")
        reply, outputs = self.run_cell("System.exit(0);")
        self.assertEqual("error", reply["status"])
        self.assertEqual("ExitBlocked", reply["ename"])
        self.assertIn("System.exit(0) was called", plain([c["evalue"] for k, c in outputs if k == "error"]))
        self.assertTrue(self.km.is_alive())
        self.assertEqual("still here", self.result_text("memory"))

    def test_update_display_replaces_an_output_in_place(self):
        reply, outputs = self.run_cell('String id = display("first");\nupdateDisplay(id, "second");\nid')
        self.assertEqual("ok", reply["status"], outputs)
        shown = [c for k, c in outputs if k == "display_data"]
        updated = [c for k, c in outputs if k == "update_display_data"]
        self.assertEqual(["first"], [c["data"]["text/plain"] for c in shown])
        self.assertEqual(["second"], [c["data"]["text/plain"] for c in updated])
        display_id = shown[0]["transient"]["display_id"]
        self.assertEqual(display_id, updated[0]["transient"]["display_id"])
        self.assertIn(display_id, [c["data"]["text/plain"] for k, c in outputs if k == "execute_result"])

    def test_a_progress_bar_is_one_output_updated_in_place(self):
        reply, outputs = self.run_cell(
            'try (var bar = rnnkit.ui.ProgressBar.start("work", 2000)) {\n'
            '    for (int i = 0; i < 2000; i++) { Thread.sleep(1); bar.step().show("i", i); }\n'
            '}')
        self.assertEqual("ok", reply["status"], outputs)
        shown = [c for k, c in outputs if k == "display_data"]
        updated = [c for k, c in outputs if k == "update_display_data"]
        self.assertEqual(1, len(shown), "one output")
        self.assertEqual([], [c for k, c in outputs if k == "stream"], "no log lines")
        self.assertTrue(2 <= len(updated) <= 100, f"{len(updated)} redraws for 2000 steps: throttled")
        last = updated[-1]
        self.assertEqual(shown[0]["transient"]["display_id"], last["transient"]["display_id"])
        self.assertIn("100% [########################] 2000/2000", last["data"]["text/plain"])
        self.assertIn("<progress", last["data"]["text/html"])

    def test_tab_completes_java_names(self):
        self.run_cell("String word = \"abc\";")
        reply = self.reply_to(self.kc.complete("word.toUpp", 10))["content"]
        self.assertEqual("ok", reply["status"])
        self.assertIn("toUpperCase(", reply["matches"])
        self.assertEqual((5, 10), (reply["cursor_start"], reply["cursor_end"]))

    def test_shift_tab_shows_signatures(self):
        reply = self.reply_to(self.kc.inspect("Math.max(1, 2)", 7))["content"]
        self.assertTrue(reply["found"], reply)
        self.assertIn("max(int", reply["data"]["text/plain"])

    def test_is_complete_helps_consoles(self):
        reply = self.reply_to(self.kc.is_complete("for (int i = 0; i < 3; i++) {"))["content"]
        self.assertEqual("incomplete", reply["status"])
        self.assertEqual("complete", self.reply_to(self.kc.is_complete("int x = 1;"))["content"]["status"])

    def test_maven_magic_resolves_from_the_local_repository(self):
        # opentest4j came with the build's JUnit, so it is in ~/.m2, but it is not on the kernel's class path.
        reply, outputs = self.run_cell("org.opentest4j.AssertionFailedError.class")
        self.assertEqual("error", reply["status"], "not on the kernel's class path to begin with")
        text = self.result_text('%maven org.opentest4j:opentest4j:1.3.0\n'
                                'new org.opentest4j.AssertionFailedError("boom").getMessage()')
        self.assertEqual("boom", text)


    def test_maven_repo_magic_adds_a_repository_for_later_maven_lines(self):
        # a repository of one's own (here a folder in Maven's layout) with an artifact Maven Central does not have;
        # a fresh version each time, since Maven keeps what it resolved in the local repository
        version = f"1.0-{uuid.uuid4().hex[:12]}"
        coordinate = f"test.rnnkit:hello:{version}"
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "src/greet/Hello.java"
            src.parent.mkdir(parents=True)
            src.write_text('package greet; public class Hello { public static String hi() { return "hello from a repo"; } }')
            subprocess.run(["javac", "--release", "17", "-d", str(Path(tmp) / "classes"), str(src)], check=True)
            artifact = Path(tmp) / "repo/test/rnnkit/hello" / version
            artifact.mkdir(parents=True)
            with zipfile.ZipFile(artifact / f"hello-{version}.jar", "w") as jar:
                jar.write(Path(tmp) / "classes/greet/Hello.class", "greet/Hello.class")
            (artifact / f"hello-{version}.pom").write_text(
                '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
                f"<groupId>test.rnnkit</groupId><artifactId>hello</artifactId><version>{version}</version></project>")
            try:
                reply, outputs = self.run_cell(f"%maven {coordinate}")
                self.assertEqual("error", reply["status"], "not found before the repository is added")
                url = (Path(tmp) / "repo").as_uri()
                self.assertEqual("hello from a repo", self.result_text(
                    f"%mavenRepo mine {url}\n%maven {coordinate}\ngreet.Hello.hi()"))
            finally:
                shutil.rmtree(Path.home() / ".m2/repository/test/rnnkit/hello" / version, ignore_errors=True)


class ProtocolOnASaturatedMachine(Protocol):
    """The same tests while busy loops keep every core of the machine busy, as on a loaded laptop or a shared
    server: the kernel's JVM then takes seconds to start, and start-up polling leaves extra replies behind."""

    @classmethod
    def setUpClass(cls):
        cls.load = Saturated()
        cls.load.start()
        try:
            super().setUpClass()
        except BaseException:
            cls.load.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.load.stop()

    def test_the_machine_was_saturated(self):
        self.assertTrue(self.load.all_running(), "the busy loops ran for the whole test class")


class Restart(unittest.TestCase):

    def test_restart_gives_a_fresh_working_session(self):
        km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)
        try:
            kc.execute_interactive("int before = 1;", timeout=60)
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=60)
            outputs = []
            reply = kc.execute_interactive("before", timeout=60, output_hook=outputs.append)
            self.assertEqual("error", reply["content"]["status"], "variables are gone after a restart")
            self.assertIn("cannot find symbol", plain(reply["content"]["traceback"]))
            outputs = []
            reply = kc.execute_interactive("6 * 7", timeout=60, output_hook=outputs.append)
            self.assertEqual("ok", reply["content"]["status"])
            self.assertIn("42", [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
