#!/usr/bin/env bash
# The append cost behind decision 0017 (docs/decisions/0017-event-journal.md): the gateway's journal against
# Chronicle Queue 2026.2 in one JVM, alternating rounds, one and two appending threads. Run it under the build lock.
#
# Needs the gateway compiled (./mvnw -pl gateway -am compile, or any build of it). The comparison is its own small
# Maven project (bench/journal-vs-chronicle), outside the reactor: the gateway does not depend on Chronicle.
# Chronicle needs these JVM options on JDK 17 (its documentation's list; without them it fails at start).
# Knobs: MVN_FLAGS (e.g. -o), RECORDS (200000 per round and thread), ROUNDS (6, the first of each is not counted), NO_JDK17_OPTIONS=1 (run
# Chronicle without those options, to see what it does then).
set -euo pipefail
cd "$(dirname "$0")/journal-vs-chronicle"
RECORDS=${RECORDS:-200000}
ROUNDS=${ROUNDS:-6}
CHRONICLE_JDK17=(--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED)
# shellcheck disable=SC2086
../../mvnw -B -q ${MVN_FLAGS:-} -s ../../.mvn/settings.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="../../gateway/target/classes:$(cat target/classpath.txt)"
mkdir -p target/classes
javac --release 17 -d target/classes -cp "$CP" $(find src/main/java -name '*.java')
if [[ "${NO_JDK17_OPTIONS:-0}" == 1 ]]; then CHRONICLE_JDK17=(); fi
java -Xmx512m -XX:+UseParallelGC -Dchronicle.analytics.disable=true ${CHRONICLE_JDK17[@]+"${CHRONICLE_JDK17[@]}"} \
  -cp "target/classes:$CP" dev.tollgate.bench.journal.JournalVersusChronicle "$RECORDS" "$ROUNDS"
