# Sourced by the bench parts that read through a per-connection cap
# (bench-ratelimit.sh, bench-scale.sh with BENCH_SCALE_CAP_MIB).

# start_rate_proxy CAP-MIB: rate-proxy.py in front of nginx, each
# connection capped at CAP-MIB MiB/s; its port in PROXY_PORT, stopped at
# the end.
start_rate_proxy () {
    local i
    PROXY_PORT=$(free_port)
    python3 "$top/tests/bench/rate-proxy.py" "$PROXY_PORT" "$NGINX_PORT" \
        $(( $1 * 1048576 )) &
    cleanup_fn "kill $!"
    for i in $(seq 50); do
        (exec 3<>/dev/tcp/127.0.0.1/"$PROXY_PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "the rate proxy did not start"
}
