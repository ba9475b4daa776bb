#!/usr/bin/env python3
"""Hottest frames per thread group from `jfr print --events jdk.ExecutionSample` output.

For each thread group (thread names with their numbers taken out), prints the share of samples whose top frame is
each method ("self"), and the share whose stack contains each method of ours or of the journal/serializer path
("total"), so that a thread's time can be split between encoding, appending and the rest.
"""
import collections
import re
import sys

samples = open(sys.argv[1]).read().split("jdk.ExecutionSample {")[1:]
self_time = collections.defaultdict(collections.Counter)
total_time = collections.defaultdict(collections.Counter)
count = collections.Counter()
for sample in samples:
    thread = re.search(r'sampledThread = "([^"]*)"', sample)
    group = re.sub(r"\d+", "#", thread.group(1)) if thread else "?"
    frames = [re.sub(r"\s+line:.*$", "", f.strip()) for f in
              re.findall(r"^\s+([\w$.<>]+\(.*?\)\s+line:.*)$", sample, re.M)]
    if not frames:
        continue
    count[group] += 1
    self_time[group][frames[0]] += 1
    for frame in set(frames):
        total_time[group][frame] += 1

for group, n in count.most_common(6):
    print(f"== {group}: {n} samples")
    print("  self:")
    for frame, k in self_time[group].most_common(15):
        print(f"    {100.0 * k / n:5.1f} %  {frame}")
    print("  total (ours, the journal, Avro, Kafka producer):")
    ours = [(f, k) for f, k in total_time[group].items()
            if re.match(r"(dev\.tollgate|org\.apache\.avro|org\.apache\.kafka\.clients\.producer|io\.apicurio)", f)]
    for frame, k in sorted(ours, key=lambda x: -x[1])[:25]:
        print(f"    {100.0 * k / n:5.1f} %  {frame}")
