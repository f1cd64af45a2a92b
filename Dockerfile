# mysql-backup for hosts without systemd: the Debian package, run as `mysql-backup --daemon`,
# which schedules the old tool's timetable (daily 00:00, weekly Sunday 01:00, monthly on the 1st
# at 02:00, cleanup 03:00, in the container's local time zone: set TZ).
#
#   docker build -t mysql-backup .
#   docker run -d --name mysql-backup -e TZ=Europe/Berlin \
#     -v /srv/mysql-backup/etc:/etc/mysql-backup:ro \
#     -v /srv/mysql-backup/backups:/var/backup/mysql \
#     mysql-backup
#
# The process runs as the user mysql-backup (uid and gid 10001 unless built with other
# --build-arg values): the mounted config must be readable by that gid, and the backup folder
# writable by that uid, e.g. `chown 10001:10001 /srv/mysql-backup/backups` and
# `chgrp 10001 /srv/mysql-backup/etc/mysql_backup.conf && chmod 0640 ...`. One-off commands run
# in the same image: `docker run --rm ... mysql-backup mysql-backup --list`.

# ---- build: the same source, packaged the Debian way --------------------------------------
FROM debian:bookworm-slim AS build

# The build dependencies come from debian/control, so this list cannot drift from it.
COPY debian/control /src/mysql-backup/debian/control
RUN apt-get update \
 && cd /src/mysql-backup \
 && DEBIAN_FRONTEND=noninteractive apt-get build-dep -y --no-install-recommends ./ \
 && rm -rf /var/lib/apt/lists/*

COPY . /src/mysql-backup
RUN cd /src/mysql-backup \
 && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b \
 && rm -f /src/mysql-backup-dbgsym_*.deb

# ---- run: bookworm-slim with the package and the database client --------------------------
FROM debian:bookworm-slim

ARG MYSQL_BACKUP_UID=10001
ARG MYSQL_BACKUP_GID=10001

# A fixed uid/gid, so host volumes can be given to it; the package's sysusers file then finds
# the user already there. The standalone sysusers/tmpfiles tools satisfy the package without
# pulling in systemd itself.
RUN groupadd --gid "$MYSQL_BACKUP_GID" mysql-backup \
 && useradd --uid "$MYSQL_BACKUP_UID" --gid mysql-backup --no-create-home --no-log-init \
      --home-dir /var/backup/mysql --shell /usr/sbin/nologin --comment "MySQL/MariaDB backups" \
      mysql-backup

COPY --from=build /src/mysql-backup_*.deb /tmp/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates tzdata mariadb-client \
      systemd-standalone-sysusers systemd-standalone-tmpfiles \
      /tmp/mysql-backup_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/mysql-backup_*.deb \
 && install -d -o mysql-backup -g mysql-backup -m 0750 /var/backup/mysql /var/log/mysql-backup

VOLUME ["/etc/mysql-backup", "/var/backup/mysql"]
USER mysql-backup
WORKDIR /var/backup/mysql

# SIGTERM (docker stop) ends the daemon cleanly: a backup in progress is aborted and leaves
# nothing partial behind. Give a long backup's abort time with `docker stop -t`.
STOPSIGNAL SIGTERM
CMD ["mysql-backup", "--config", "/etc/mysql-backup/mysql_backup.conf", "--daemon"]
