#!/bin/bash
echo "hello" > /etc/motd
