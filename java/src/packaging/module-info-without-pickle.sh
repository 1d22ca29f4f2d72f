#!/usr/bin/env bash
# Run by the build after maven-shade-plugin has relocated Pyrolite into the library's JAR: compiles the module
# descriptor again without `requires pickle` and puts it in the JAR, so that the module dev.interproc needs nothing
# but the JDK on the module path (docs/design.md, "Pyrolite inside the JAR").
#   module-info-without-pickle.sh JAR MODULE_INFO_JAVA WORK_DIR RELEASE
set -euo pipefail
jar_file=$1 descriptor=$2 work=$3 release=$4

grep -q '^ *requires pickle;$' "$descriptor" \
  || { echo "module-info-without-pickle.sh: no 'requires pickle;' line in $descriptor to drop" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/src" "$work/classes"
grep -v '^ *requires pickle;$' "$descriptor" >"$work/src/module-info.java"
# The shaded classes patched into the module let javac check the exported packages; the jar tool then records the
# module's packages, the relocated Pyrolite among them.
javac --release "$release" -d "$work/classes" --patch-module dev.interproc="$jar_file" "$work/src/module-info.java"
jar --update --file "$jar_file" -C "$work/classes" module-info.class
