# The node image: chaoslab's sources and production dependencies on a base that has node (the offline base built
# from this host's node binary, or an official node image). No `# syntax=` line: the classic builder reads this.
ARG BASE
FROM ${BASE}
# The node program bundled into one file (harness/bundles.ts): a container starts it without compiling TypeScript.
ARG NODE_BUNDLE
WORKDIR /chaoslab
COPY . /chaoslab/
ENV NODE_ENV=production
# The proxy image runs the CLI from this one: it must load with the production dependencies alone, and loading it
# here leaves tsx's compile cache in the image, which spares every proxy start the work.
RUN cp "${NODE_BUNDLE}" /chaoslab/node.mjs && node node.mjs --help >/dev/null && node harness/cli/bin.mjs proxy --help >/dev/null
ENTRYPOINT ["node", "node.mjs"]
