"""Start notebook kernels by forking a process that has already imported what every notebook needs.

An ordinary kernel starts a Python and imports ipykernel, IPython, pandas, matplotlib and seaborn:
about a second of CPU, paid again by every notebook. A fork server pays it once per run: it imports
those modules, then forks one child per kernel. The command jupyter_client runs as "the kernel" is a
small relay (`python -m helpers.forkserver kernel ADDRESS [--at-once] -- KERNEL_COMMAND`) that asks
the server for a kernel, hands it its own stdin, stdout and stderr, its working directory and
environment, forwards the signals it receives (interrupts) and exits when the kernel exits.
jupyter_client thus manages the relay exactly as it would manage a kernel.

The server imports ipykernel first, then the other modules one by one. A kernel asked for "at once"
is forked as soon as ipykernel is in, and imports what it still lacks itself while the server goes
on importing on the other core: that is for the one notebook the others wait for. Any other kernel
is forked once every import is done.

The server listens on a Unix socket in a folder only this user can open. A relay that cannot reach
it, or whose server fails, starts an ordinary kernel instead, so a kernel always starts; the server
kills the kernel of a relay that dies, and all its kernels when it stops.

This module imports only the standard library: the relay is one per kernel and must start fast.
"""
import atexit
import builtins
import gc
import importlib
import importlib.util
import json
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

LAUNCHER = "ipykernel_launcher"
LAUNCHER_MODULE = "ipykernel.kernelapp"
# what the relay receives and passes on to its kernel (those this platform has)
FORWARDED_SIGNALS = tuple(getattr(signal, name) for name in
                          ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2") if hasattr(signal, name))
LENGTH = struct.Struct("!I")
REQUEST_TIMEOUT = 10.0
PARENT_CHECK_SECONDS = 1.0


def available() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")


class ForkServer:
    """The server process for one run: `with ForkServer(interpreter, modules) as server:`, then `server.address`.

    The socket is bound here, before the server starts, so a relay may connect at once: it waits in
    the backlog while the server is still starting.
    """

    def __init__(self, interpreter: list[str], preload: list[str]):
        self.interpreter = list(interpreter)  # the kernel's Python and its options, from the kernel spec
        self.preload = list(preload)
        self.folder = None
        self.process = None

    @property
    def address(self) -> str:
        return os.path.join(self.folder, "forkserver")

    def __enter__(self) -> "ForkServer":
        self.folder = tempfile.mkdtemp(prefix="kernels-")  # mode 0700: only this user reaches the socket
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(self.address)
            listener.listen(64)
            self.process = subprocess.Popen(
                [*self.interpreter, "-m", "helpers.forkserver", "serve", str(listener.fileno()), *self.preload],
                stdin=subprocess.DEVNULL, pass_fds=(listener.fileno(),),
            )
        return self

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()  # the server kills any kernel still running, then exits
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        Path(self.address).unlink(missing_ok=True)
        os.rmdir(self.folder)


def split_kernel_command(command: list[str]) -> tuple[list[str], list[str]] | None:
    """`PYTHON [OPTIONS] -m ipykernel_launcher ARGS` as (PYTHON [OPTIONS], ARGS); None for any other kernel."""
    for at in range(1, len(command) - 1):
        if command[at:at + 2] == ["-m", LAUNCHER]:
            return command[:at], command[at + 2:]
    return None


def relay_command(address: str, kernel_command: list[str], at_once: bool = False) -> list[str]:
    """The relay that stands for an ipykernel command, and falls back to running it as it is."""
    interpreter, _ = split_kernel_command(kernel_command)
    return [interpreter[0], "-m", "helpers.forkserver", "kernel", address, *(["--at-once"] if at_once else []),
            "--", *kernel_command]


# ---- the relay: one per kernel, run by jupyter_client as the kernel command ----

def _read_line(stream) -> str:
    return stream.readline().decode("ascii").strip()


def relay(address: str, kernel_command: list[str], at_once: bool) -> int:
    _, kernel_arguments = split_kernel_command(kernel_command)
    request = {"argv": kernel_arguments, "cwd": os.getcwd(), "env": dict(os.environ), "at_once": at_once}
    body = json.dumps(request).encode("utf-8")
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(address)
        socket.send_fds(connection, [LENGTH.pack(len(body))], [0, 1, 2])
        connection.sendall(body)
        replies = connection.makefile("rb")
        started = _read_line(replies)
    except OSError:
        started = ""
    if not started.startswith("pid "):
        # no server, or it failed before forking (its error is on stderr): an ordinary kernel
        os.execv(kernel_command[0], kernel_command)
    kernel_pid = int(started.split()[1])
    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, lambda received, _frame: os.kill(kernel_pid, received))
    ended = _read_line(replies)
    # without a status the server has gone, and has killed its kernels on the way
    return int(ended.split()[1]) if ended.startswith("exit ") else 1


# ---- the kernel, in a forked child of the server ----

def _run_kernel(request: dict, fds: list[int]) -> None:
    """Become the kernel the relay asked for, as `python -m ipykernel_launcher` would."""
    os.setsid()  # its own process group, as jupyter_client gives an ordinary kernel
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path.insert(0, request["cwd"])
    launcher = importlib.util.find_spec(LAUNCHER).origin
    # the server is this kernel's parent: the kernel stops if it is orphaned
    sys.argv = [launcher, *request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
    importlib.import_module(LAUNCHER_MODULE).launch_new_instance()


def _close(item) -> None:
    os.close(item) if isinstance(item, int) else item.close()


def _fork_kernel(request: dict, fds: list[int], server_files: list) -> int:
    """Fork a kernel; `server_files` are the server's own sockets and pipes, which the kernel closes."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        for item in server_files:
            _close(item)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _run_kernel(request, fds)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        # the exit handlers an ordinary kernel runs at its end; never back into the server's loop
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


# ---- the server ----

class _KernelShell:
    """What `get_ipython()` returns in a cell of a Jupyter kernel, as far as an import asks of it."""

    kernel = True


def _import_as_in_a_kernel(module: str) -> None:
    """Import a module as a notebook cell would, so that what it sets up at import is the same.

    pandas, for one, asks at import whether it runs in a Jupyter kernel (a `get_ipython` among the
    builtins, with a `kernel`) and then shows at most 20 columns instead of sizing to a terminal.
    """
    builtins.get_ipython = _KernelShell
    try:
        importlib.import_module(module)
    finally:
        del builtins.get_ipython
    gc.freeze()  # the imported objects stay out of the kernels' collections: fewer pages copied


def _receive_request(connection: socket.socket) -> tuple[dict, list[int]]:
    connection.settimeout(REQUEST_TIMEOUT)
    header, fds, _flags, _address = socket.recv_fds(connection, LENGTH.size, 3)
    if len(header) != LENGTH.size or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise OSError("incomplete kernel request")
    (length,) = LENGTH.unpack(header)
    body = bytearray()
    while len(body) < length:
        chunk = connection.recv(length - len(body))
        if not chunk:
            for fd in fds:
                os.close(fd)
            raise OSError("incomplete kernel request")
        body += chunk
    connection.settimeout(None)
    return json.loads(body), fds


class _Stop(Exception):
    """SIGTERM: the run is over."""


def _raise_stop(_signum, _frame):
    raise _Stop


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class _Server:
    """Accepts kernel requests, imports in between, forks the kernels, and tells each relay when its kernel ends."""

    def __init__(self, listener: socket.socket, preload: list[str]):
        self.listener = listener
        self.pending_imports = list(preload)
        self.waiting: list[tuple[socket.socket, dict, list[int]]] = []  # kernels asked for before the imports ended
        self.relays: dict[int, socket.socket] = {}  # kernel pid -> its relay's connection
        self.wakeup_read, self.wakeup_write = os.pipe()
        for fd in (self.wakeup_read, self.wakeup_write):
            os.set_blocking(fd, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, "listener")
        self.selector.register(self.wakeup_read, selectors.EVENT_READ, "children")

    def run(self, parent: int) -> None:
        signal.set_wakeup_fd(self.wakeup_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD reaches the wakeup pipe
        signal.signal(signal.SIGTERM, _raise_stop)
        try:
            while os.getppid() == parent:  # the run's driver is gone: stop
                ready = self.selector.select(timeout=0 if self.pending_imports else PARENT_CHECK_SECONDS)
                for key, _events in ready:
                    if key.data == "listener":
                        self.accept()
                    elif key.data == "children":
                        self.reap()
                    else:
                        # a relay sends nothing after its request: readable means it has gone, and its kernel too
                        self.selector.unregister(key.fileobj)
                        _kill(key.data)
                if self.pending_imports and not ready:
                    self.import_next()
        except _Stop:
            pass
        finally:
            self.stop()

    def import_next(self) -> None:
        try:
            _import_as_in_a_kernel(self.pending_imports.pop(0))
        except Exception:
            pass  # a notebook that needs the module imports it itself, and shows the error where it matters
        while not self.pending_imports and self.waiting:
            self.start(*self.waiting.pop(0))

    def accept(self) -> None:
        connection, _ = self.listener.accept()
        try:
            request, fds = _receive_request(connection)
        except (OSError, ValueError):
            connection.close()
            return
        if self.pending_imports and not request.get("at_once"):
            self.waiting.append((connection, request, fds))
        else:
            self.start(connection, request, fds)

    def start(self, connection: socket.socket, request: dict, fds: list[int]) -> None:
        server_files = [self.listener, self.selector, self.wakeup_read, self.wakeup_write, connection,
                        *self.relays.values(), *(waiting[0] for waiting in self.waiting),
                        *(fd for waiting in self.waiting for fd in waiting[2])]
        pid = _fork_kernel(request, fds, server_files)
        for fd in fds:
            os.close(fd)
        self.relays[pid] = connection
        self.selector.register(connection, selectors.EVENT_READ, pid)
        try:
            connection.sendall(f"pid {pid}\n".encode("ascii"))
        except OSError:
            _kill(pid)  # its relay has gone

    def reap(self) -> None:
        """Collect every kernel that has exited and tell its relay the exit status."""
        try:
            while os.read(self.wakeup_read, 512):
                pass
        except BlockingIOError:
            pass
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            connection = self.relays.pop(pid, None)
            if connection is None:
                continue
            if connection in self.selector.get_map():
                self.selector.unregister(connection)
            try:
                connection.sendall(f"exit {code if code >= 0 else 128 - code}\n".encode("ascii"))
            except OSError:
                pass
            connection.close()

    def stop(self) -> None:
        for connection, _request, fds in self.waiting:
            connection.close()  # its relay starts an ordinary kernel
            for fd in fds:
                os.close(fd)
        for pid in self.relays:
            _kill(pid)
        for pid, connection in self.relays.items():
            os.waitpid(pid, 0)
            connection.close()


def serve(listener_fd: int, preload: list[str]) -> None:
    parent = os.getppid()
    # ipykernel sets this at start when it is unset, and matplotlib reads it when it is imported
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    sys.path.pop(0)  # this process's working directory; each kernel puts its own first
    _import_as_in_a_kernel(LAUNCHER_MODULE)
    _Server(socket.socket(fileno=listener_fd), preload).run(parent)


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        serve(int(argv[1]), argv[2:])
        return 0
    if argv[:1] == ["kernel"] and len(argv) > 2:
        address, rest = argv[1], argv[2:]
        at_once = rest[:1] == ["--at-once"]
        rest = rest[1:] if at_once else rest
        if rest[:1] == ["--"] and split_kernel_command(rest[1:]):
            return relay(address, rest[1:], at_once)
    print("usage: python -m helpers.forkserver serve LISTENER_FD MODULE...\n"
          "       python -m helpers.forkserver kernel ADDRESS [--at-once] -- KERNEL_COMMAND...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
