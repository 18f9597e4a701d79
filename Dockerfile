# The ghes-gitops daemon: the committed, self-contained bundle (dist/) on a small Node 24 image, as a non-root user.
# No build step: dist/ is what `npm run build` committed, and it needs no node_modules.
#   docker build -t ghes-gitops .
#   docker run --rm -p 9090:9090 --env-file ghes-gitops.env ghes-gitops serve --listen 0.0.0.0:9090 --repo OWNER/NAME/DIR
FROM node:24-alpine

ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: it can run with a read-only root filesystem.
COPY dist/ /app/dist/

# The image's `node` user, by number so that Kubernetes can check runAsNonRoot.
USER 1000:1000
# /healthz, /readyz, /metrics, /status and /hooks/github (listen on 0.0.0.0:9090 inside a container).
EXPOSE 9090

ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["serve"]
