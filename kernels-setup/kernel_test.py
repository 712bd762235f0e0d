"""Protocol tests of the hypnest-tslab kernel (jupyter_kernel_test, Debian's python3-jupyter-kernel-test).

    JUPYTER_PATH=<repo>/.jupyter-local/share/jupyter /usr/bin/python3 -m unittest -v kernel_test   (cwd: kernels-setup)

Run by test/reliability/kernel.test.ts (which registers the kernel and builds the SDK first). The kernel is
started in notebooks/, as a notebook's kernel is, so cells import the built SDK as '../build/sdk'.

What tslab 1.0.22 does differently from IPython (each skipped base test says why):
- the value of a cell's last expression is printed to stdout (console.log), never sent as execute_result;
- an exception is printed to stderr (console.error) and the reply says status 'error', with no 'error'
  message on iopub; a type error is printed as 'line:col - message';
- after an error it aborts every request that arrives in the next 200 ms (tslab issue #19, its take on
  stop_on_error), so a cell sent right after a failing one replies 'abort': the next cell is sent after a pause;
- no history_request handler (no reply at all), no pager payloads, no clear_output, is_complete never says
  'invalid' (only 'complete' or 'incomplete');
- two replies miss fields that the v5 message spec requires: kernel_info_reply has no 'status', and an
  execute_reply with status 'error' has no 'ename', 'evalue', 'traceback' (Jupyter front ends tolerate both);
  test_known_protocol_deviations pins them, the other messages are validated against the spec.
"""
import os
import re
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel
from jupyter_client.utils import run_sync
from jupyter_kernel_test.msgspec_v5 import validate_message

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = os.path.join(ROOT, "notebooks")
os.environ.setdefault("JUPYTER_PATH", os.path.join(ROOT, ".jupyter-local", "share", "jupyter"))
# The machine may be busy (training runs): give compilation and wasm start-up room.
CELL_TIMEOUT = float(os.environ.get("HYPNEST_KERNEL_TEST_TIMEOUT", "180"))
jupyter_kernel_test.TIMEOUT = CELL_TIMEOUT
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
ABORT_WINDOW_S = 0.5  # > tslab's 200 ms abort window after an error


def streams(output_msgs, name):
    return ANSI.sub("", "".join(m["content"]["text"] for m in output_msgs
                                if m["msg_type"] == "stream" and m["content"]["name"] == name))


class HypnestTslabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "hypnest-tslab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'
    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "consol", "matches": {"console"}},
    ]
    complete_code_samples = ["let a = 1;", "1 + 2", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const o = {", "[1, 2,"]
    code_inspect_sample = "Math.max"
    code_display_data = [
        {"code": "import * as tslab from 'tslab';\ntslab.display.html('<b>hypnest</b>');", "mime": "text/html"},
        {"code": "import * as tslab from 'tslab';\ntslab.display.png(new Uint8Array([137, 80, 78, 71]));", "mime": "image/png"},
    ]

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=CELL_TIMEOUT, cwd=NOTEBOOKS)

    def execute_helper(self, code, timeout=None, **kw):
        return super().execute_helper(code, timeout=timeout or CELL_TIMEOUT, **kw)

    def get_non_kernel_info_reply(self, timeout=None):
        return super().get_non_kernel_info_reply(timeout=timeout or CELL_TIMEOUT)

    def execute_tolerant(self, code):
        """execute_helper, except that an error reply is checked for what tslab sends (see the module doc)."""
        msg_id = self.kc.execute(code=code)
        reply = self.get_non_kernel_info_reply()
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        if reply["content"]["status"] == "error":
            self.assertEqual(reply["header"]["msg_type"], "execute_reply")
            self.assertIsInstance(reply["content"].get("execution_count"), int)
        else:
            validate_message(reply, "execute_reply", msg_id)
        outputs = []
        while True:
            msg = run_sync(self.kc.iopub_channel.get_msg)(timeout=CELL_TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            validate_message(msg, msg["msg_type"], msg_id)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            if msg["msg_type"] not in ("status", "execute_input"):
                outputs.append(msg)
        return reply, outputs

    def run_cell(self, code):
        self.flush_channels()
        reply, outputs = self.execute_tolerant(code)
        return reply["content"]["status"], streams(outputs, "stdout"), streams(outputs, "stderr"), outputs

    @unittest.skip("tslab's kernel_info_reply has no 'status' field, which the v5 spec requires; "
                   "test_kernel_info_fields checks the rest and test_known_protocol_deviations pins the gap")
    def test_kernel_info(self):
        pass

    def test_kernel_info_fields(self):
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=CELL_TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        info = reply["content"]
        self.assertEqual(info["protocol_version"], "5.3")
        self.assertEqual(info["implementation"], "tslab")
        self.assertEqual(info["language_info"]["name"], self.language_name)
        self.assertEqual(info["language_info"]["file_extension"], self.file_extension)

    def test_known_protocol_deviations(self):
        # If one of these starts failing, tslab fixed it: drop the workaround (execute_tolerant, the skips).
        self.kc.kernel_info()
        info = self.kc.get_shell_msg(timeout=CELL_TIMEOUT)["content"]
        self.assertNotIn("status", info)
        self.flush_channels()
        reply, _ = self.execute_tolerant("throw new Error('deviation')")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertNotIn("ename", reply["content"])
        time.sleep(ABORT_WINDOW_S)

    # --- what tslab does instead of the base tests it fails ---

    @unittest.skip("tslab prints the last expression's value to stdout (console.log), never as execute_result; "
                   "test_last_expression_printed checks that instead")
    def test_execute_result(self):
        pass

    def test_last_expression_printed(self):
        for code, want in [("1 + 2", "3"), ("let x: number = 21; x * 2", "42"), ("'a' + 'b'", "ab")]:
            with self.subTest(code=code):
                status, out, _, _ = self.run_cell(code)
                self.assertEqual(status, "ok")
                self.assertEqual(out.strip(), want)

    @unittest.skip("tslab reports an exception on stderr and in the reply's status, without an iopub 'error' "
                   "message (the base test wants exactly one); test_error_reply checks that instead")
    def test_error(self):
        pass

    def test_error_reply(self):
        status, _, err, outputs = self.run_cell('throw new Error("boom")')
        self.assertEqual(status, "error")
        self.assertIn("Error: boom", err)
        time.sleep(ABORT_WINDOW_S)
        status, _, err, _ = self.run_cell("const wrong: string = 5;")
        self.assertEqual(status, "error")
        self.assertRegex(err, r"\d+:\d+ - Type 'number' is not assignable to type 'string'")
        time.sleep(ABORT_WINDOW_S)

    @unittest.skip("tslab has no history_request handler: the kernel logs 'unknown msg_type' and never replies")
    def test_history(self):
        pass

    @unittest.skip("tslab sends no pager payloads (there is no '?'-style help; use inspect_request)")
    def test_pager(self):
        pass

    @unittest.skip("tslab has no clear_output; its displays update in place (tslab.newDisplay().update)")
    def test_clear_output(self):
        pass

    def test_is_complete_never_invalid(self):
        # tslab's isCompleteCode only tells complete from incomplete; syntax errors surface on execution.
        msg_id = self.kc.is_complete("1 +* 2 )")
        reply = self.get_non_kernel_info_reply()
        validate_message(reply, "is_complete_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "complete")

    # --- the SDK in a notebook ---

    def test_sdk_error_is_readable_and_next_cell_runs(self):
        status, out, err, _ = self.run_cell("import * as hn from '../build/sdk';\nconst rep = await hn.ready();\nrep.chosen")
        self.assertEqual(status, "ok", err)
        self.assertTrue(out.strip(), "ready() names the chosen backend")
        # A radius beyond the float32 ball: the SDK's typed error, printed by tslab.
        status, out, err, _ = self.run_cell("hn.hyperbolic.perturb([[0.1, 0.2]], 1, 7, 1, { seed: 0 })")
        self.assertEqual(status, "error")
        # Today Node prints the throwing source line, then 'Name: message', the stack and the error's fields.
        self.assertRegex(err, r"(?m)^ValueError: perturb\(radius\): expected a radius 0 < R ≤ maxRadius\(c\) = 6\.2126 "
                              r"\(c = 1[;)].*?, received 7\.", err)
        self.assertIn("use R ≤ 6.2126", err)  # the hint
        time.sleep(ABORT_WINDOW_S)
        # The kernel survived: the next cell runs and returns a value computed by the SDK.
        status, out, err, _ = self.run_cell("const p = hn.hyperbolic.perturb([[0.1, 0.2]], 1, 3, 1, { seed: 0 });\n"
                                            "const r = hn.hyperbolic.dist0(p, 1).dataSync()[0];\np.dispose();\nr.toFixed(3)")
        self.assertEqual(status, "ok", err)
        self.assertEqual(out.strip(), "3.000")


if __name__ == "__main__":
    unittest.main()
