-- wrk script: the spec's first curl ping, as a backend sends it (form body, token header).
wrk.method = "POST"
wrk.body = "user_id=user1&message=Hello+user&sources[]=all&vibrate=2000"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-RhoConnect-API-TOKEN"] = os.getenv("BENCH_API_TOKEN")
