/* sesame-hop-probe.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-hop-probe"

#include "config.h"

#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "sesame-hop-probe.h"

/* The traceroute port range: nothing listens there */
#define BASE_PORT 33434
#define RESEND_MS 200
/* A router out of ICMP messages (Linux: 1 a second, a burst of 6) that a
 * hop beyond it shows to be there is given this much longer to answer */
#define SILENT_HOP_GRACE_MS 1000

typedef struct _HopProbe HopProbe;

typedef struct
{
  HopProbe *probe;
  int       fd;
  guint     watch_id;
  char     *hop;        /* nullable */
  gboolean  done;       /* answered by the end of the path */
} Hop;

struct _HopProbe
{
  GTask        *task;   /* owned until the result is returned */
  Hop           hops[SESAME_HOP_PROBE_MAX_TTL];
  guint         timeout_id;
  guint         resend_id;
  guint         cancel_idle_id;
  guint         resends;
  gboolean      graced;  /* the timeout was extended once for a silent hop */
  GCancellable *cancellable;
  gulong        cancelled_id;
};

static void
hop_probe_free (gpointer data)
{
  HopProbe *probe = data;

  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    {
      g_clear_handle_id (&probe->hops[i].watch_id, g_source_remove);
      if (probe->hops[i].fd >= 0)
        close (probe->hops[i].fd);
      g_free (probe->hops[i].hop);
    }

  g_clear_object (&probe->cancellable);
  g_free (probe);
}

/* Stops every source and returns @hops, or @error when @hops is NULL */
static void
complete (HopProbe  *probe,
          GPtrArray *hops,
          GError    *error)
{
  GTask *task = g_steal_pointer (&probe->task);

  g_assert (task != NULL);

  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    g_clear_handle_id (&probe->hops[i].watch_id, g_source_remove);
  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  g_clear_handle_id (&probe->resend_id, g_source_remove);
  g_clear_handle_id (&probe->cancel_idle_id, g_source_remove);
  if (probe->cancellable != NULL && probe->cancelled_id != 0)
    g_cancellable_disconnect (probe->cancellable, probe->cancelled_id);
  probe->cancelled_id = 0;

  if (hops != NULL)
    g_task_return_pointer (task, hops, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);

  g_object_unref (task);
}

/* Every hop up to the last one that answered; one that did not answer in
 * between is "*". Routers limit their ICMP messages (Linux: 1 a second, a
 * burst of 6), so the gateway may stay silent when it has just answered
 * other requests; the hop beyond it still says what it is */
static void
complete_with_hops (HopProbe *probe)
{
  GPtrArray *hops = g_ptr_array_new_null_terminated (SESAME_HOP_PROBE_MAX_TTL, g_free, TRUE);
  guint last = 0;

  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    {
      if (probe->hops[i].hop != NULL)
        last = i + 1;
      if (probe->hops[i].done)
        break;
    }

  for (guint i = 0; i < last; i++)
    g_ptr_array_add (hops, g_strdup (probe->hops[i].hop != NULL ? probe->hops[i].hop : "*"));

  complete (probe, hops, NULL);
}

static void
send_all (HopProbe *probe)
{
  static const char payload[] = "sesame";

  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    {
      if (probe->hops[i].hop != NULL || probe->hops[i].fd < 0)
        continue;

      /* Errors such as EHOSTUNREACH come back through the error queue too */
      (void) send (probe->hops[i].fd, payload, sizeof payload - 1, MSG_DONTWAIT);
    }
}

/* The gateway (TTL 1) is known anyway, and the first to run out of ICMP
 * messages: once the hops beyond it answered, it is not waited for */
static gboolean
all_answered (HopProbe *probe)
{
  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    {
      if (probe->hops[i].hop == NULL && i > 0)
        return FALSE;
      if (probe->hops[i].hop == NULL)
        continue;
      if (probe->hops[i].done)
        return TRUE;   /* the end of the path: higher TTLs add nothing */
    }

  return TRUE;
}

static void
read_error_queue (Hop *hop)
{
  for (;;)
    {
      char control[512];
      char data[64];
      struct sockaddr_in from;
      struct iovec iov = { data, sizeof data };
      struct msghdr msg = { 0 };

      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;

      if (recvmsg (hop->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        break;

      for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
        {
          const struct sock_extended_err *ee;
          const struct sockaddr_in *offender;
          const guint8 *bytes;

          if (cmsg->cmsg_level != SOL_IP || cmsg->cmsg_type != IP_RECVERR)
            continue;

          ee = (const struct sock_extended_err *) CMSG_DATA (cmsg);
          if (ee->ee_origin != SO_EE_ORIGIN_ICMP)
            continue;

          offender = (const struct sockaddr_in *) SO_EE_OFFENDER (ee);
          if (offender->sin_family != AF_INET)
            continue;

          bytes = (const guint8 *) &offender->sin_addr;
          g_free (hop->hop);
          hop->hop = g_strdup_printf ("%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);

          /* Anything but "time exceeded" comes from the end of the path */
          hop->done = ee->ee_type != ICMP_TIME_EXCEEDED;
        }
    }

  /* Ordinary replies, if anything did answer, are of no interest */
  {
    char buffer[512];

    while (recv (hop->fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0)
      ;
  }
}

static gboolean
on_socket (int          fd,
           GIOCondition condition,
           gpointer     user_data)
{
  Hop *hop = user_data;
  HopProbe *probe = hop->probe;

  read_error_queue (hop);

  if (all_answered (probe))
    complete_with_hops (probe);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_resend (gpointer user_data)
{
  HopProbe *probe = user_data;

  /* A router out of ICMP messages gets one back a second: keep asking
   * those that have not answered until the timeout */
  send_all (probe);
  probe->resends++;

  return G_SOURCE_CONTINUE;
}

/* A hop that has not answered though one beyond it has: it is there, and
 * most likely out of ICMP messages for the moment */
static gboolean
silent_before_answer (HopProbe *probe)
{
  gboolean silent = FALSE;

  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    {
      if (probe->hops[i].hop == NULL)
        silent = TRUE;
      else if (silent)
        return TRUE;
      if (probe->hops[i].done)
        break;
    }

  return FALSE;
}

static gboolean
on_timeout (gpointer user_data)
{
  HopProbe *probe = user_data;

  probe->timeout_id = 0;

  /* Its next message comes within the second: worth waiting for, since
   * the hop beyond the router decides carrier-grade NAT */
  if (!probe->graced && silent_before_answer (probe))
    {
      probe->graced = TRUE;
      probe->timeout_id = g_timeout_add (SILENT_HOP_GRACE_MS, on_timeout, probe);
      return G_SOURCE_REMOVE;
    }

  complete_with_hops (probe);

  return G_SOURCE_REMOVE;
}

static gboolean
on_cancel_idle (gpointer user_data)
{
  HopProbe *probe = user_data;

  probe->cancel_idle_id = 0;
  complete (probe, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));

  return G_SOURCE_REMOVE;
}

/* Never completes from inside the handler: disconnecting there would deadlock */
static void
on_cancelled (GCancellable *cancellable,
              HopProbe     *probe)
{
  if (probe->cancel_idle_id == 0)
    probe->cancel_idle_id = g_idle_add (on_cancel_idle, probe);
}

/**
 * sesame_hop_probe_async:
 * @destination: an IPv4 address beyond the home network (such as a STUN server's)
 * @timeout_ms: how long to wait for answers; a hop that has not answered
 *   though one beyond it has gets SILENT_HOP_GRACE_MS more, once
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the hops found
 * @user_data: data for @callback
 *
 * Sends a datagram with TTL 1, 2 and 3 towards a port where nothing listens,
 * and reads which router reported each as expired. The datagrams never
 * reach @destination's services.
 */
void
sesame_hop_probe_async (GInetAddress        *destination,
                        guint                timeout_ms,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  struct sockaddr_in to = { 0 };
  HopProbe *probe;

  g_return_if_fail (G_IS_INET_ADDRESS (destination));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_hop_probe_async);

  if (g_inet_address_get_family (destination) != G_SOCKET_FAMILY_IPV4)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("the hop test needs an IPv4 destination"));
      return;
    }

  probe = g_new0 (HopProbe, 1);
  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    probe->hops[i].fd = -1;
  g_task_set_task_data (task, probe, hop_probe_free);

  to.sin_family = AF_INET;
  memcpy (&to.sin_addr, g_inet_address_to_bytes (destination), 4);

  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    {
      Hop *hop = &probe->hops[i];
      int on = 1;
      int ttl = (int) i + 1;

      hop->probe = probe;
      hop->fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
      to.sin_port = g_htons (BASE_PORT + (guint16) i);

      if (hop->fd < 0 ||
          setsockopt (hop->fd, SOL_IP, IP_RECVERR, &on, sizeof on) != 0 ||
          setsockopt (hop->fd, SOL_IP, IP_TTL, &ttl, sizeof ttl) != 0 ||
          connect (hop->fd, (struct sockaddr *) &to, sizeof to) != 0)
        {
          int saved = errno;

          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                                   _("the hop test could not open a socket: %s"), g_strerror (saved));
          return;
        }
    }

  probe->task = g_steal_pointer (&task);

  for (guint i = 0; i < SESAME_HOP_PROBE_MAX_TTL; i++)
    probe->hops[i].watch_id = g_unix_fd_add (probe->hops[i].fd, G_IO_IN | G_IO_ERR, on_socket,
                                             &probe->hops[i]);

  if (cancellable != NULL)
    {
      probe->cancellable = g_object_ref (cancellable);
      probe->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), probe, NULL);
    }

  /* Already cancelled: nothing is sent, the idle completes the task */
  if (g_cancellable_is_cancelled (cancellable))
    return;

  send_all (probe);
  probe->resend_id = g_timeout_add (RESEND_MS, on_resend, probe);
  probe->timeout_id = g_timeout_add (timeout_ms, on_timeout, probe);
}

/**
 * sesame_hop_probe_finish:
 *
 * Returns: (transfer full) (element-type utf8): the addresses of the first
 *   hops beyond this computer, in order, the gateway first, up to the last
 *   that answered; "*" for one that did not answer before one that did
 */
GPtrArray *
sesame_hop_probe_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
