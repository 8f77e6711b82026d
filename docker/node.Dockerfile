# The node image: chaoslab's sources and production dependencies on a base that has node (the offline base built
# from this host's node binary, or an official node image). No `# syntax=` line: the classic builder reads this.
ARG BASE
FROM ${BASE}
WORKDIR /chaoslab
COPY . /chaoslab/
ENV NODE_ENV=production
# Both programs must load with the production dependencies alone; loading them here also leaves tsx's compile
# cache in the image, which spares every container start the work.
RUN node harness/cli/bin.mjs node --help >/dev/null && node harness/cli/bin.mjs proxy --help >/dev/null
ENTRYPOINT ["node", "harness/cli/bin.mjs", "node"]
