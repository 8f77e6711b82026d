# The proxy image: the node image's program, started as chaoslab's Toxiproxy-compatible server.
ARG APP
FROM ${APP}
EXPOSE 8474
ENTRYPOINT ["node", "harness/cli/bin.mjs", "proxy"]
