"""A TCP forwarder on loopback standing in for a service that goes down and comes back
(Redis stopped, PostgreSQL restarted) without touching the shared real one: `cut()`
drops every open connection and refuses new ones, `hang()` accepts new ones and never
answers (a service that hangs), `restore()` lets them through again."""

import socket
import threading


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.hanging = False
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            self.down = True
            for sock in self.open:
                _shut(sock)
            self.open.clear()

    def hang(self) -> None:
        self.cut()
        with self.lock:
            self.down, self.hanging = False, True

    def restore(self) -> None:
        with self.lock:
            for sock in self.open:  # the hung ones are answered: their connection drops
                _shut(sock)
            self.open.clear()
            self.down = self.hanging = False

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            with self.lock:
                if self.down:
                    _shut(client)
                    continue
                if self.hanging:  # held open, read from by nobody, until restore()
                    self.open.add(client)
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _shut(client)
                    continue
                upstream.settimeout(None)
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _shut(sink)
    _shut(source)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
