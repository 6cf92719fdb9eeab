"""Executing notebooks: papermill with ordinary kernels on private IPC sockets."""
