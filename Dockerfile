# kubetls image: build with the dev toolchain, ship only dist/, probes/, schema/ and production modules.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY probes ./probes
COPY schema ./schema
# Mount points for compose's named volumes: an empty volume takes the ownership of the directory it
# covers, so the non-root user can write reports and the lab CA there.
RUN mkdir -p /reports /shared && chown 1000:1000 /reports /shared
# Numeric, so Kubernetes' runAsNonRoot can verify it (the image's `node` user is 1000).
USER 1000:1000
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
