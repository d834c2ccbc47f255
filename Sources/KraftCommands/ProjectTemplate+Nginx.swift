/// nginx as the image's program (`Ports/nginx`, docs/nginx.md): the Kraftfile selects the port
/// and the network stack, the rootfs holds nginx's configuration and the page it serves.
extension ProjectTemplate {
  static let nginx = ProjectTemplate(
    name: "nginx", summary: "nginx serving static files from the rootfs (kraft run -p 8080:80)",
    files: { project in
      [
        (
          "Kraftfile",
          """
          # A Unikraft Kraftfile (spec v0.6); see docs/kraftfile.md and docs/nginx.md.
          # No C files here: the nginx port's own main is the program.
          spec: v0.6

          name: \(project)

          unikraft: stable

          targets:
            - qemu/x86_64
            - qemu/arm64

          libraries:
            musl: 1.2.3
            lwip: stable
            nginx: 1.22.1

          # nginx reads /nginx/conf/nginx.conf and serves /nginx/html.
          rootfs: ./rootfs

          """
        ),
        ("rootfs/nginx/conf/nginx.conf", nginxConf),
        ("rootfs/nginx/html/index.html", nginxIndexPage),
        // nginx looks its user up (getpwnam) when it runs as root, which everything here does.
        ("rootfs/etc/passwd", "root:x:0:0:root:/:/sbin/nologin\n"),
        ("rootfs/etc/group", "root:x:0:\n"),
      ]
    })

  /// One process (the kernel does not fork): no master process, no daemon.
  static let nginxConf = """
    # nginx in a unikernel: one process, so no master process and no daemon.
    master_process off;
    daemon off;
    worker_processes 1;
    error_log stderr notice;
    pid /tmp/nginx.pid;

    events {
        worker_connections 1024;
    }

    http {
        types {
            text/html html htm;
            text/css css;
            text/plain txt;
            application/javascript js;
            image/png png;
            image/jpeg jpg jpeg;
        }
        default_type application/octet-stream;
        access_log off;
        keepalive_timeout 65;

        server {
            listen 80;
            location / {
                root /nginx/html;
                index index.html;
            }
        }
    }

    """

  /// 612 bytes, the size of the page the nginx benchmarks serve.
  static let nginxIndexPage = """
    <!DOCTYPE html>
    <html>
    <head>
    <title>Welcome to nginx on kraft!</title>
    <style>
    html { color-scheme: light dark; }
    body { width: 35em; margin: 0 auto;
    font-family: Tahoma, Verdana, Arial, sans-serif; }
    </style>
    </head>
    <body>
    <h1>Welcome to nginx on kraft!</h1>
    <p>If you see this page, nginx is serving from a unikernel built by kraft.
    Its configuration is <tt>/nginx/conf/nginx.conf</tt> in the image's root file
    system, and the files it serves are under <tt>/nginx/html</tt>.</p>

    <p>Replace this page with your own then run 'kraft build' again.</p>
    <p><em>Thank you for using nginx.</em></p>
    </body>
    </html>

    """
}
