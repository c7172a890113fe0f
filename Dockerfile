# syntax=docker/dockerfile:1
# Build: JDK 25 + the Maven wrapper. Run: JRE 25, non-root, extracted layout.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -DskipTests package \
 && cp target/procpool-*.jar /tmp/procpool.jar \
 && cd /tmp && java -Djarmode=tools -jar procpool.jar extract --destination /layout

FROM eclipse-temurin:25-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system procpool \
 && useradd --system --gid procpool --uid 10001 --home-dir /app --shell /usr/sbin/nologin procpool
WORKDIR /app
COPY --from=build /layout/ /app/
RUN mkdir -p /app/plugins && chown -R procpool:procpool /app/plugins
USER 10001
ENV PROCPOOL_TASKS_PLUGINS_DIR=/app/plugins
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health || exit 1
# The same command ServiceLayoutIT runs against this layout.
ENTRYPOINT ["java", "-jar", "procpool.jar"]
