ARG TAG
FROM alpine AS base
RUN cat << 'EOF' > /etc/motd
FROM $NOT_A_FROM
EOF
RUN <<-END
	FROM $ALSO_NOT
	END
FROM base:$TAG
