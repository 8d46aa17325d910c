# pushcap in a container: a Maven build stage, then a Java 25 runtime with libpcap.
#
#   docker build -t pushcap .
#   docker run -d --name pushcap --network host --cap-add NET_RAW --cap-add NET_ADMIN \
#       -v /srv/pushcap/etc:/etc/pushcap -v /srv/pushcap/var:/var/lib/pushcap \
#       -v /srv/pushcap/log:/var/log/pushcap pushcap
#
# --network host: capture sees the host's interfaces (in a network namespace of its own it would
# see only the container's veth). NET_RAW opens AF_PACKET sockets, NET_ADMIN sets promiscuous mode
# and large socket buffers. Rings live in /run/pushcap/ram inside the container (RAM: add
# --tmpfs /run/pushcap:size=1g, or --shm-size and RingDir=/dev/shm/pushcap, sized for the rings).
# docs/service.md has the details. The image runs the packaged launcher: it never builds nor
# installs anything at run time.

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml README.md ./
COPY src/main ./src/main
COPY bin ./bin
COPY etc ./etc
COPY analytics ./analytics
COPY examples ./examples
COPY docs ./docs
RUN mvn -B -q -Dstyle.color=never -DskipTests -Dpushcap.skipDist=true package

FROM eclipse-temurin:25-jre
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libpcap0.8 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/pushcap.jar /usr/lib/pushcap/pushcap.jar
COPY --from=build /src/target/lib /usr/lib/pushcap/lib
COPY src/main/packaging/bin/pushcap /usr/lib/pushcap/bin/pushcap
COPY bin/lib/env.sh /usr/lib/pushcap/bin/lib/env.sh
COPY analytics /usr/lib/pushcap/analytics
COPY src/main/packaging/etc/pushcap.lua /etc/pushcap/pushcap.lua
COPY etc/push_pcap.lua etc/push_pcap_eod.lua etc/rclone.conf /etc/pushcap/
RUN ln -s /etc/pushcap /usr/lib/pushcap/etc \
    && ln -s /usr/lib/pushcap/bin/pushcap /usr/bin/pushcap \
    && mkdir -p /var/lib/pushcap /var/log/pushcap /run/pushcap/ram
WORKDIR /var/lib/pushcap
VOLUME ["/var/lib/pushcap", "/var/log/pushcap"]
# The status page, /status and /metrics (Service.Http in /etc/pushcap/pushcap.lua).
EXPOSE 9487
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/lib/pushcap/bin/pushcap"]
CMD ["serve", "--config", "/etc/pushcap/pushcap.lua"]
