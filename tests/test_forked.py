"""Forked kernels: started from a process that imported what notebooks use, and otherwise the ordinary ipykernel.

Each check runs in a fresh interpreter, as the runner does: a test process has threads and has imported pandas
its own way, and so never forks a kernel (which the last test checks).
"""
import json
import subprocess
import sys
import textwrap

from helpers import paths
from helpers.run import forked, kernels


def run_python(code: str) -> dict:
    """Run `code` in a new interpreter from the project root; what it prints last, as JSON."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=paths.ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_only_an_ipykernel_on_this_interpreter_is_forked():
    argv = kernels.IPCKernelManager(kernel_name=kernels.KERNEL).kernel_spec.argv
    assert forked.kernel_arguments([sys.executable, *argv[1:-1], "/tmp/k.json"]) == ["-f", "/tmp/k.json"]
    assert forked.kernel_arguments(["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "k.json"]) is None
    assert forked.kernel_arguments([sys.executable, "-m", "other_kernel", "-f", "k.json"]) is None


KERNEL_FACTS = """
    import json, os, signal, sys, time
    from helpers.run import forked, kernels

    facts = {"preloaded": forked.preload(), "runner": os.getpid()}
    spare = forked.SpareKernel.fork()
    manager = kernels.IPCKernelManager(kernel_name=kernels.KERNEL, spare=spare)
    manager.start_kernel(cwd="/tmp")
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    outputs = []
    client.execute_interactive(
        "import json, os, sys, threading\\n"
        "print(json.dumps({'parent': os.getppid(), 'cwd': os.getcwd(), 'session': os.getsid(0) == os.getpid(),"
        " 'imported': 'seaborn' in sys.modules, 'env_parent': os.environ.get('JPY_PARENT_PID'),"
        " 'blas_threads': os.environ.get('OPENBLAS_NUM_THREADS')}))",
        timeout=60, output_hook=outputs.append)
    facts["kernel"] = json.loads(next(m for m in outputs if m["msg_type"] == "stream")["content"]["text"])
    facts["kernel_pid"] = manager.provisioner.pid
    # an interrupt reaches the running cell, and the kernel runs the next one
    message_id = client.execute("import time; time.sleep(30)")
    time.sleep(1)
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=30)
    while reply["parent_header"]["msg_id"] != message_id:
        reply = client.get_shell_msg(timeout=30)
    facts["interrupted"] = reply["content"].get("ename")
    client.stop_channels()
    manager.stop()
    try:
        os.kill(facts["kernel_pid"], 0)
        facts["kernel_left"] = True
    except ProcessLookupError:
        facts["kernel_left"] = False
    print(json.dumps(facts))
"""


def test_a_forked_kernel_is_the_runners_child_with_the_kernels_own_session_folder_and_imports():
    facts = run_python(KERNEL_FACTS)
    assert facts["preloaded"] is True
    kernel = facts["kernel"]
    assert kernel["parent"] == facts["runner"] and kernel["env_parent"] == str(facts["runner"])
    assert kernel["cwd"] == "/tmp" and kernel["session"] is True
    assert kernel["imported"] is True  # seaborn was there before any cell imported it
    assert kernel["blas_threads"] is None  # the variable sized the runner's import only
    assert facts["interrupted"] == "KeyboardInterrupt"
    assert facts["kernel_left"] is False


def test_a_process_with_threads_or_its_own_pandas_starts_kernels_the_ordinary_way():
    facts = run_python("""
        import json, threading, time
        from helpers.run import forked
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        with_thread = forked.preload()
        stop.set()
        thread.join()
        import pandas  # imported as this process does, not as a kernel would
        print(json.dumps({"with_thread": with_thread, "own_pandas": forked.preload(),
                          "spare": forked.SpareKernel.fork() is not None}))
    """)
    assert facts == {"with_thread": False, "own_pandas": False, "spare": False}


def test_without_the_provisioner_installed_kernels_start_the_ordinary_way():
    facts = run_python("""
        import json
        from helpers.run import forked
        forked.entry_points = lambda **_: ()  # as in an environment where the project is not installed
        print(json.dumps({"preloaded": forked.preload(), "spare": forked.SpareKernel.fork() is not None}))
    """)
    assert facts == {"preloaded": False, "spare": False}


def test_a_spare_that_never_became_a_kernel_ends_when_discarded():
    facts = run_python("""
        import json, os
        from helpers.run import forked
        forked.preload()
        spare = forked.SpareKernel.fork()
        spare.discard()
        print(json.dumps({"code": spare.returncode}))
    """)
    assert facts == {"code": 0}


def test_this_test_process_never_forks_a_kernel():
    assert forked.SpareKernel.fork() is None
