/* sesame-probe-session.h: the window's network checks, running in the background
 *
 * One session per window. It holds the probe servers of this run (settings,
 * overridden by the command line), runs every probe for the plan's ports,
 * and keeps the latest report: the one being built while a run is in
 * progress, else the last finished one. Pages read it from ::updated and
 * ::finished handlers; nothing here blocks the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-catalog.h"
#include "sesame-plan.h"
#include "sesame-probe-report.h"

G_BEGIN_DECLS

#define SESAME_TYPE_PROBE_SESSION (sesame_probe_session_get_type ())

G_DECLARE_FINAL_TYPE (SesameProbeSession, sesame_probe_session, SESAME, PROBE_SESSION, GObject)

/* One server a run may contact, for the welcome page's privacy list */
typedef struct
{
  char *server;    /* host:port or URL, as configured */
  char *purpose;   /* one translated sentence */
} SesameProbeServer;

SesameProbeSession       *sesame_probe_session_new              (void);

void                      sesame_probe_session_set_stun_servers (SesameProbeSession *self,
                                                                 const char * const *servers);
const char * const       *sesame_probe_session_get_stun_servers (SesameProbeSession *self);
void                      sesame_probe_session_set_ip_urls      (SesameProbeSession *self,
                                                                 const char * const *urls);
const char * const       *sesame_probe_session_get_ip_urls      (SesameProbeSession *self);
void                      sesame_probe_session_set_check_url    (SesameProbeSession *self,
                                                                 const char         *template);
const char               *sesame_probe_session_get_check_url    (SesameProbeSession *self);
void                      sesame_probe_session_set_internet     (SesameProbeSession *self,
                                                                 gboolean            allowed);
gboolean                  sesame_probe_session_get_internet     (SesameProbeSession *self);
void                      sesame_probe_session_set_deadline     (SesameProbeSession *self,
                                                                 guint               deadline_ms);
GPtrArray                *sesame_probe_session_list_servers     (SesameProbeSession *self);

void                      sesame_probe_session_start            (SesameProbeSession *self,
                                                                 SesamePlan         *plan,
                                                                 SesameCatalog      *catalog);
gboolean                  sesame_probe_session_ensure           (SesameProbeSession *self,
                                                                 SesamePlan         *plan,
                                                                 SesameCatalog      *catalog);
void                      sesame_probe_session_cancel           (SesameProbeSession *self);
gboolean                  sesame_probe_session_get_running      (SesameProbeSession *self);
gboolean                  sesame_probe_session_get_finished     (SesameProbeSession *self);
void                      sesame_probe_session_mark_stale       (SesameProbeSession *self);
gboolean                  sesame_probe_session_get_stale        (SesameProbeSession *self);
gboolean                  sesame_probe_session_get_stale_mappings (SesameProbeSession *self);
void                      sesame_probe_session_note_mapping     (SesameProbeSession *self,
                                                                 const SesameAddedMapping *mapping);
void                      sesame_probe_session_forget_mapping   (SesameProbeSession *self,
                                                                 const char         *protocol,
                                                                 guint16             external_port);
void                      sesame_probe_session_mappings_changed (SesameProbeSession *self,
                                                                 SesamePlan         *plan,
                                                                 SesameCatalog      *catalog);
const SesameProbeReport  *sesame_probe_session_get_report       (SesameProbeSession *self);
void                      sesame_probe_session_set_report       (SesameProbeSession *self,
                                                                 SesameProbeReport  *report);

gboolean                  sesame_probe_session_check_stun_server (const char  *server,
                                                                  GError     **error);
gboolean                  sesame_probe_session_check_ip_url      (const char  *url,
                                                                  GError     **error);
gboolean                  sesame_probe_session_check_check_url   (const char  *template,
                                                                  GError     **error);

void                      sesame_probe_server_free              (SesameProbeServer  *server);

G_END_DECLS
