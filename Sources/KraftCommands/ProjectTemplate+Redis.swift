/// `kraft init --template redis`: the Redis port as the image's program, its configuration in
/// the rootfs. docs/redis.md explains each line.
extension ProjectTemplate {
  static let redis = ProjectTemplate(
    name: "redis", summary: "the Redis server (the redis port is the program), -p 6379:6379",
    files: { project in
      [
        (
          "Kraftfile",
          """
          # Redis in a unikernel: the redis port's server is the program (no sources here),
          # configured by rootfs/redis.conf. Run: kraft run -p 6379:6379, then redis-cli ping.
          spec: v0.6

          name: \(project)

          unikraft: stable

          targets:
            - qemu/x86_64
            - qemu/arm64

          libraries:
            redis: 7.0.15+debian
            musl:
              version: 1.2.3
              kconfig:
                # Main's stack is RAM from the start: Redis's deepest recursions (Lua's
                # 200 C calls around cjson's 1000 levels) used 263 KiB (docs/redis.md).
                CONFIG_MUSL_MAIN_STACK_KIB: 384
                # musl's oldmalloc: every request allocates and frees; mallocng took about
                # 19% of a request's instructions, oldmalloc two thirds of that, for the
                # same memory floor (docs/redis.md, "What a request costs inside the guest").
                CONFIG_LIBMUSL_OLDMALLOC: 'y'
            lwip:
              version: 2.1.3+dfsg1
              kconfig:
                # Above redis.conf's maxclients, so Redis refuses extra clients itself.
                CONFIG_LWIP_NUM_TCPCON: 256
                CONFIG_LWIP_NUM_SOCKETS: 256

          rootfs: ./rootfs
          cmd: ["/redis.conf"]

          """
        ),
        (
          "rootfs/redis.conf",
          """
          # Redis's configuration (redis.conf in upstream's tree documents every directive).
          bind 0.0.0.0
          port 6379
          # The unikernel is reached only through the ports kraft run publishes.
          protected-mode no
          daemonize no
          # No fork in a unikernel: no background saving (the save points, BGSAVE,
          # BGREWRITEAOF). SAVE writes dump.rdb to the RAM file system in the foreground.
          save ""
          appendonly no
          # On arm64 Redis first forks a child to test Linux kernels for a copy-on-write bug
          # that corrupts background saves; a unikernel neither forks nor has that bug.
          ignore-warnings ARM64-COW-BUG
          dir /
          # Below lwIP's 256 sockets (the Kraftfile), so the 201st client gets Redis's own
          # "max number of clients reached".
          maxclients 200
          logfile ""

          """
        ),
      ]
    })
}
