# One image for every Groundswell role: `web`, `worker`, `migrate` (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
COPY dashboard ./dashboard
# `npm ci` runs the `prepare` script, which compiles TypeScript into dist/ and bundles the dashboard into dist/dashboard/.
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY src/store/migrations ./src/store/migrations
COPY examples ./examples
USER node
EXPOSE 3000
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["web"]
