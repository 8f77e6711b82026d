# The node image: chaoslab's sources and production dependencies on a base that has node (the offline base built
# from this host's node binary, or an official node image). No `# syntax=` line: the classic builder reads this.
ARG BASE
FROM ${BASE}
WORKDIR /chaoslab
COPY app/ /chaoslab/
ENV NODE_ENV=production
# tsx compiles each module on first import; doing it once here spares every container start the work.
RUN node harness/cli/bin.mjs --help >/dev/null 2>&1 || true
ENTRYPOINT ["node", "harness/cli/bin.mjs", "node"]
