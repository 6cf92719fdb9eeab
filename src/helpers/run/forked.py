"""Kernels that start without importing anything: forked from a worker that has imported what notebooks use.

Most of an ordinary kernel's start is Python importing ipykernel, pandas, matplotlib and seaborn, once
per kernel. The runner imports them once (`preload`), before it forks its workers; a worker then forks
a spare process for its notebook's kernel (`SpareKernel.fork`), which already holds those modules.
jupyter_client's documented extension point for how a kernel is launched, a kernel provisioner
(`ForkedProvisioner`, registered under the entry point `helpers-forked` in pyproject.toml and named
in the kernel spec's metadata), hands the spare the kernel's arguments, environment and working
folder, and the spare runs ipykernel's own entry point, `IPKernelApp.launch_instance`: the kernel
is the same ipykernel, on the same private IPC sockets, only without the imports.

The fork is safe because nothing runs beside it: it happens in the worker's main thread, outside any
event loop, and only when the process has a single thread (OpenBLAS, which starts threads as numpy is
imported, is told to start none while the runner imports). Where any of that does not hold, or the
kernel spec starts another program than ipykernel on this interpreter, the kernel starts the ordinary
way. A spare process talks to its worker over an anonymous pipe, which no other process can reach.
"""
import gc
import importlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from importlib.metadata import entry_points
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

PROVISIONER = "helpers-forked"
ENTRY_POINT_GROUP = "jupyter_client.kernel_provisioners"
# What a kernel imports as it starts (its debugger and history among them) and what the indicator notebooks
# import: imported once by the runner.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.debugger", "pdb", "sqlite3", "pandas", "matplotlib.pyplot", "seaborn",
           "helpers.analysis.families", "helpers.charts.notebook")
# While the runner imports: thread pools that numerical libraries would start, sized to no extra thread; and the
# debugger's warning about frozen modules, which concerns debugging, silenced (the kernel spec runs kernels with
# -Xfrozen_modules=off, which a process already running cannot take).
IMPORT_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                      "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
LAUNCHER = "ipykernel_launcher"
# pandas sets one default by where it is imported: how many columns a table prints, as many as fit in a terminal
# (0), and in a notebook, which is not a terminal, 20, as pandas' documentation of the option says. Imported
# here, in the runner, for kernels, it is given what it gives a kernel.
KERNEL_DEFAULTS = {"display.max_columns": 20}


def thread_count() -> int:
    """The threads of this process as the system counts them, those of C libraries included."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # no /proc: the count cannot be known, so the process is taken as threaded
        return 0


def single_threaded() -> bool:
    return thread_count() == 1


# Whether this process (or the one it was forked from) imported PRELOAD as a kernel would have: only then may it
# fork kernels. A process that had threads, or had imported pandas its own way, or in which jupyter_client would
# not find the provisioner, starts them the ordinary way.
preloaded = False


def provisioner_registered() -> bool:
    """Whether jupyter_client can find the provisioner: the project installed (`make env`), not only importable."""
    return bool(entry_points(group=ENTRY_POINT_GROUP, name=PROVISIONER))


def preload() -> bool:
    """Import what kernels would import, with no thread pool started; whether this process may fork kernels.

    The imported objects are then frozen out of the garbage collector's reach (gc.freeze, as Python's documentation
    advises before fork() without exec()): no process forked from this one walks them again, nor copies the
    memory that holds them by touching it.
    """
    global preloaded
    if not hasattr(os, "fork") or not single_threaded() or "pandas" in sys.modules or not provisioner_registered():
        return False
    saved = {name: os.environ.get(name) for name in IMPORT_ENVIRONMENT}
    os.environ.update(IMPORT_ENVIRONMENT)
    try:
        for module in PRELOAD:
            importlib.import_module(module)
        pandas = importlib.import_module("pandas")
        for option, value in KERNEL_DEFAULTS.items():
            pandas.set_option(option, value)
    finally:  # the kernels get the environment they would have had: these variables matter only to the imports
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    gc.freeze()
    preloaded = single_threaded()
    return preloaded


def kernel_arguments(command: list[str]) -> list[str] | None:
    """The arguments of an ipykernel started on this interpreter (`python ... -m ipykernel_launcher -f FILE`), or
    None for any other command: only such a kernel can be forked from this process."""
    if len(command) < 3 or Path(command[0]).resolve() != Path(sys.executable).resolve():
        return None
    for position in range(1, len(command) - 1):
        if command[position:position + 2] == ["-m", LAUNCHER]:
            return command[position + 2:]
    return None


class SpareKernel:
    """A process forked to become a kernel: it waits on a pipe for the kernel's arguments, environment and
    working folder, then runs the kernel. The worker sees it as subprocess.Popen would show it."""

    def __init__(self, pid: int, pipe: int):
        self.pid, self._pipe, self.returncode = pid, pipe, None
        self.stdin = self.stdout = self.stderr = None  # the kernel shares the worker's streams, like any kernel

    @classmethod
    def fork(cls) -> "SpareKernel | None":
        """A spare, or None where this process may not fork: not preloaded, or threads running."""
        if not preloaded or not single_threaded():
            return None
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(write_end)
            become_kernel(read_end)  # never returns
        os.close(read_end)
        return cls(pid, write_end)

    def start(self, arguments: list[str], env: dict, cwd: str) -> "SpareKernel":
        with os.fdopen(self._pipe, "w", encoding="utf-8") as pipe:
            json.dump({"arguments": arguments, "env": env, "cwd": cwd}, pipe)
        self._pipe = None
        return self

    def discard(self) -> None:
        """End a spare that never became a kernel: told nothing, it exits."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
            self.wait()

    # What jupyter_client's LocalProvisioner asks of its process.
    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None and self.returncode is None:
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        deadline = time.monotonic() + (timeout or 0)
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def become_kernel(pipe: int) -> None:
    """In the forked process: wait for the kernel's launch, run the kernel, and end with it (never returns).

    The process leaves the worker's session and signal handlers behind, and takes the environment, working folder
    and parent that jupyter_client's launcher gives a kernel (ipykernel ends a kernel whose parent has gone). It
    ends with os._exit, the end for a forked process: the exit handlers it holds are the worker's, not its own,
    and the kernel manager removes the kernel's connection file and sockets.
    """
    code = 1
    try:
        os.setsid()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        with os.fdopen(pipe, encoding="utf-8") as reader:
            request = reader.read()
        if not request:  # the worker discarded the spare
            code = 0
            return
        launch = json.loads(request)
        worker = os.getppid()
        os.environ.clear()
        os.environ.update(launch["env"], JPY_PARENT_PID=str(worker))
        os.chdir(launch["cwd"])
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        sys.argv = [importlib.util.find_spec(LAUNCHER).origin, *launch["arguments"]]
        from ipykernel.kernelapp import IPKernelApp

        # ipykernel reads JPY_PARENT_PID when it is imported, which was before this kernel had a parent
        IPKernelApp.launch_instance(argv=launch["arguments"], parent_handle=worker)
        code = 0
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, starting the kernel in the spare its manager holds (`spare`), where
    there is one and the kernel spec starts ipykernel on this interpreter; else as the local provisioner does."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        spare = getattr(self.parent, "spare", None)
        arguments = kernel_arguments(cmd)
        if spare is None or arguments is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.parent.spare = None  # a spare becomes one kernel only
        env = kwargs.get("env") or dict(os.environ)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        self.process = spare.start(arguments, env, cwd)
        # the kernel leads a process group of its own, as one started by jupyter_client does; until it has left
        # the worker's, signalling the group fails (no such group) and the provisioner signals the kernel alone
        self.pid = self.pgid = spare.pid
        self.cwd = cwd
        return self.connection_info
