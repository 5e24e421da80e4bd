#!/bin/sh
# A small tree: a child with two grandchildren, and a daemon that double-forks and calls setsid
# (the way daemon(3) does). Prints the daemon's pid, then waits.
sh -c 'sleep 600 & sleep 600 & wait' &
( setsid sh -c 'echo "daemon $$"; exec sleep 601' & )
wait
