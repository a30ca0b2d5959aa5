"""The tests' HTTP receiver: the port it picks is one it can listen on."""

import socket

from helpdesk.tests.receiver import Receiver, free_port, is_free


def _post_and_wait_for_the_server_to_close(port: int) -> None:
    # Reading to the end means the server closes first, so its side of the connection is
    # the one left in TIME_WAIT, as after every delivery a receiver answers.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(b"POST /hook HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}")
        while client.recv(4096):
            pass


def test_a_port_a_stopped_receiver_left_in_time_wait_is_free_for_the_next_receiver():
    port = free_port()
    first = Receiver(port=port).start()
    _post_and_wait_for_the_server_to_close(port)
    first.stop()
    assert len(first.received) == 1
    with socket.socket() as plain:
        try:
            plain.bind(("127.0.0.1", port))
            lingering = False
        except OSError:
            lingering = True
    assert lingering, "the connection should still be in TIME_WAIT"

    assert is_free(port)
    second = Receiver(port=port).start()
    try:
        _post_and_wait_for_the_server_to_close(port)
        assert len(second.received) == 1
    finally:
        second.stop()


def test_a_port_a_receiver_listens_on_is_not_free():
    receiver = Receiver(port=free_port()).start()
    try:
        assert not is_free(receiver.port)
        assert free_port() != receiver.port
    finally:
        receiver.stop()
