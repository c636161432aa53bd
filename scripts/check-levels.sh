#!/usr/bin/env bash
# Fails when an #include points up the level order (see CMakeLists.txt): a level may include
# only itself and the levels before it.
set -euo pipefail
cd "$(dirname "$0")/.."
order=(base crypto codec ledger storage ordering node api cli)
declare -A rank
for i in "${!order[@]}"; do rank[${order[$i]}]=$i; done
# storage and ordering are siblings: neither may include the other.
bad=0
for level in "${order[@]}"; do
  for f in src/$level/*; do
    [ -f "$f" ] || continue
    while IFS= read -r inc; do
      target=${inc%%/*}
      [ -n "${rank[$target]:-}" ] || continue
      if (( rank[$target] > rank[$level] )) || { [ "$level" = storage ] && [ "$target" = ordering ]; }; then
        echo "level violation: $f includes \"$inc\" ($level may not depend on $target)"
        bad=1
      fi
    done < <(grep -oE '^#include "[^"]+"' "$f" | sed -E 's/#include "(.*)"/\1/')
  done
done
exit $bad
