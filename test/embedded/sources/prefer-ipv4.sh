#!/bin/sh
# Post-install hook from our VPS images: make getaddrinfo() prefer IPv4.
set -eu

GAI=/etc/gai.conf
if ! grep -q '^precedence ::ffff:0:0/96' "$GAI" 2>/dev/null; then
    sed -i -e 's/^#precedence ::ffff:0:0\/96  10$/precedence ::ffff:0:0\/96  100/' "$GAI"
fi
echo 'precedence ::1/128 50' | tee -a $GAI > /dev/null
printf 'precedence %s %s\n' ::/0 40 2002::/16 30 ::/96 20 >> "$GAI"
