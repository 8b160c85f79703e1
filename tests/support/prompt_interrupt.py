# Runs `bascrypt hash` on a pseudo-terminal, presses Ctrl-C at its no-echo
# prompt, and prints whether the process died of the signal and whether the
# terminal's echo is on again afterwards.
import os, pty, sys, termios, time

binary = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "hash"])
seen = b""
deadline = time.time() + 20
while b"Password:" not in seen and time.time() < deadline:
    seen += os.read(fd, 100)
time.sleep(0.3)  # the prompt turns echo off just before it reads
os.write(fd, b"\x03")
_, status = os.waitpid(pid, 0)
lflag = termios.tcgetattr(fd)[3]
print(f"signaled={os.WIFSIGNALED(status)} echo={bool(lflag & termios.ECHO)}")
