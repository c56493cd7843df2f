# One image for the API, the worker and the sandbox; the command picks the process.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# Dev dependencies are needed once, for `prisma generate` in postinstall; pruned afterwards.
RUN npm ci --include=dev --no-audit --no-fund && npm prune --omit=dev
COPY tsconfig.json ./
COPY src ./src
USER node
EXPOSE 3000
CMD ["npx", "tsx", "src/server.ts"]
