# A local stand-in for the public redis:7-bookworm image, which cannot be pulled on this machine kind: Debian
# bookworm's redis-server (7.0) on the local node:24-bookworm-slim stand-in (itself Debian bookworm). Tagged
# redis:7-bookworm by the compose test, so docker-compose.yml names the real image and pulls it anywhere else.
FROM node:24-bookworm-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null && rm -rf /var/lib/apt/lists/*
USER redis
EXPOSE 6379
CMD ["redis-server"]
