#!/bin/bash
# measure.sh NAME N, in this folder after `kraft build -t qemu/x86_64` and
# `musl-gcc -static -O2 -fno-builtin -fno-pic -no-pie -o linux main.c`: CPU seconds (user+sys)
# of qemu-system-x86_64 (the unikernel) and of qemu-x86_64 (the same loop as a Linux process)
# for N iterations minus 0 iterations, best of 3 each, so QEMU's start and the machine's load
# are not counted. Writes nothing but stdout.
name=$1; n=$2
sys() { /usr/bin/time -f "%U %S" qemu-system-x86_64 -M pc -device isa-debug-exit,iobase=0xf4,iosize=0x01 -display none -serial stdio -monitor none -nic none -no-reboot -m 64 -kernel .unikraft/build/tcgcost_qemu-x86_64 -append "-- $name $1" 2>&1 >/dev/null | tail -1 | awk '{print $1+$2}'; }
usr() { /usr/bin/time -f "%U %S" qemu-x86_64 ./linux $name $1 2>&1 >/dev/null | tail -1 | awk '{print $1+$2}'; }
nat() { /usr/bin/time -f "%U %S" ./linux $name $1 2>&1 >/dev/null | tail -1 | awk '{print $1+$2}'; }
best() { local b=999; for i in 1 2 3; do v=$("$@"); b=$(echo "$v $b" | awk '{print ($1<$2)?$1:$2}'); done; echo $b; }
s=$(echo "$(best sys $n) $(best sys 0)" | awk '{print $1-$2}')
u=$(echo "$(best usr $n) $(best usr 0)" | awk '{print $1-$2}')
h=$(best nat $n)
echo "$name n=$n native=${h}s user-mode=${u}s system-mode=${s}s system/user=$(echo "$s $u" | awk '{printf "%.2f", $1/$2}')"
