// What `pm init` writes: a commented config to edit, showing each part of the format once.

export const INIT_TEMPLATE = `# pm config: \`pm start pm.yaml\` starts these apps, or reconciles them when they run
# (starts what is missing, restarts what changed, leaves the rest alone).
# Check it without changing anything: \`pm validate pm.yaml\`.
# Durations: 500ms, 5s, 2m, 1h30m (a plain number is milliseconds). Sizes: 512K, 200M, 1G.

# Defaults for every app; an app may override any of them.
process_management:
  monitoring:
    health_check_interval: 30s   # default interval of health probes
    metrics_collection: true
    alerting: true               # alerts go to the event log (\`pm events\`)
    # metrics_interval: 1s       # daemon-wide: time between samples (0: none)
    # prometheus: { port: 9209 } # daemon-wide: /metrics on 127.0.0.1 only
  recovery:
    auto_restart: true           # or: on-failure, never
    max_restarts: 15             # within restart_window, then the instance is errored
    restart_delay: 0s
    min_uptime: 1s               # a shorter run counts as a crash
  # pool:                        # for apps without \`instances:\`: autoscaled on CPU
  #   min_size: 1
  #   max_size: 4
  #   target_cpu: 70             # percent of one core, pool average
  #   idle_timeout: 300s

apps:
  - name: web
    script: server.js            # relative to cwd; .js/.mjs/.cjs/.ts run with node
    # args: [--port, 3000]
    cwd: .                       # relative to this file
    instances: 1
    env:
      PORT: 3000
    env_production:              # used with \`pm start pm.yaml --env production\`
      NODE_ENV: production
    # env_file: .env
    health:
      http: http://127.0.0.1:3000/health
      timeout: 2s
      failure_threshold: 3       # unhealthy after 3 failures in a row, then restarted
    limits:
      max_memory: 300M
    stop:
      signal: SIGTERM
      kill_timeout: 5s           # then SIGKILL to the whole process tree

  # - name: worker
  #   command: python3 worker.py  # a command line instead of a script
  #   pool: { min_size: 2, max_size: 8 }

  # - name: migrate
  #   type: task                          # runs to completion: completed or failed
  #   command: npm run migrate
  #   cron: "0 3 * * *"                   # optional: run it every day at 03:00
`;
