# kubetls image: build with the dev toolchain, ship only dist/, probes/, schema/ and production modules.
# NODE_IMAGE: any Node 20 on Debian bookworm; where no registry is reachable, scripts/docker-base-image.sh
# makes one from debootstrap and this machine's node.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# PEM text of extra CA certificates npm must trust, for a registry reached through a TLS-intercepting
# proxy: docker build --build-arg EXTRA_CA_CERTS="$(cat proxy-ca.pem)". Certificates are public, and this
# stage is not shipped: the runtime image neither holds nor trusts them. HTTP(S)_PROXY/NO_PROXY, when a
# proxy must be named, are Docker's predefined build arguments (set from the client's config.json
# "proxies") and reach npm without an ARG here.
ARG EXTRA_CA_CERTS=""
WORKDIR /app
COPY package.json package-lock.json ./
RUN if [ -n "$EXTRA_CA_CERTS" ]; then \
      printf '%s\n' "$EXTRA_CA_CERTS" > /tmp/extra-ca.pem && export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; \
    fi \
    && npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The build also stores the probe files parsed (dist/probes-documents.json), so a scan's start-up does not
# parse their YAML: it needs probes/ and the script that writes it.
COPY probes ./probes
COPY scripts/cache-probe-documents.mjs ./scripts/cache-probe-documents.mjs
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title=kubetls
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/probes-documents.json ./dist/probes-documents.json
COPY probes ./probes
COPY schema ./schema
# Mount points for compose's named volumes: an empty volume takes the ownership of the directory it
# covers, so the non-root user can write reports and the lab CA there.
RUN mkdir -p /reports /shared && chown 1000:1000 /reports /shared
# Numeric, so Kubernetes' runAsNonRoot can verify it (the image's `node` user is 1000).
USER 1000:1000
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
