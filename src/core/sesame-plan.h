/* sesame-plan.h: a person's answers, saved as versioned JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sesame-catalog.h"
#include "sesame-port-range.h"

G_BEGIN_DECLS

#define SESAME_PLAN_VERSION 1

/* The longest host name or custom rule name a plan keeps, in characters */
#define SESAME_PLAN_MAX_NAME_LENGTH 64

#define SESAME_TYPE_PLAN (sesame_plan_get_type ())

G_DECLARE_FINAL_TYPE (SesamePlan, sesame_plan, SESAME, PLAN, GObject)

#define SESAME_PLAN_ERROR (sesame_plan_error_quark ())

typedef enum
{
  SESAME_PLAN_ERROR_INVALID,     /* the message lists each problem on its own line */
  SESAME_PLAN_ERROR_NEWER,       /* written by a newer Sesame */
  SESAME_PLAN_ERROR_UNREADABLE,  /* not a plan at all: binary, too large, not JSON */
} SesamePlanError;

typedef enum
{
  SESAME_CONNECTION_UNKNOWN,
  SESAME_CONNECTION_PPPOE,
  SESAME_CONNECTION_DHCP,
  SESAME_CONNECTION_STATIC,
  SESAME_CONNECTION_MAP_E,
  SESAME_CONNECTION_DS_LITE,
} SesameConnection;

typedef enum
{
  SESAME_HOST_OS_MACOS,
  SESAME_HOST_OS_LINUX_UFW,
  SESAME_HOST_OS_LINUX_FIREWALLD,
  SESAME_HOST_OS_LINUX_NFTABLES,
  SESAME_HOST_OS_WINDOWS,
} SesameHostOs;

typedef enum
{
  SESAME_RULE_PROTOCOL_TCP,
  SESAME_RULE_PROTOCOL_UDP,
  SESAME_RULE_PROTOCOL_BOTH,
} SesameRuleProtocol;

/* A port the person adds by hand; internal equals external unless given. */
typedef struct
{
  char               *name;
  SesameRuleProtocol  protocol;
  SesamePortRange     external;
  SesamePortRange     internal;
} SesameCustomRule;

GQuark              sesame_plan_error_quark        (void);

SesamePlan         *sesame_plan_new                (void);
SesamePlan         *sesame_plan_load_from_bytes    (GBytes         *bytes,
                                                    SesameCatalog  *catalog,
                                                    GError        **error);
SesamePlan         *sesame_plan_load_from_file     (const char     *path,
                                                    SesameCatalog  *catalog,
                                                    GError        **error);
GPtrArray          *sesame_plan_validate           (SesamePlan     *self,
                                                    SesameCatalog  *catalog);
SesamePlan         *sesame_plan_copy               (SesamePlan     *self,
                                                    SesameCatalog  *catalog,
                                                    GError        **error);
char               *sesame_plan_to_json            (SesamePlan     *self);
JsonNode           *sesame_plan_to_json_node       (SesamePlan     *self);
gboolean            sesame_plan_save_to_file       (SesamePlan     *self,
                                                    const char     *path,
                                                    GError        **error);

const char         *sesame_plan_get_router_id      (SesamePlan     *self);
void                sesame_plan_set_router_id      (SesamePlan     *self,
                                                    const char     *router_id);
const char         *sesame_plan_get_router_address (SesamePlan     *self);
void                sesame_plan_set_router_address (SesamePlan     *self,
                                                    const char     *address);
const char         *sesame_plan_get_ipv6_prefix    (SesamePlan     *self);
void                sesame_plan_set_ipv6_prefix    (SesamePlan     *self,
                                                    const char     *prefix);
SesameConnection    sesame_plan_get_connection     (SesamePlan     *self);
void                sesame_plan_set_connection     (SesamePlan     *self,
                                                    SesameConnection connection);
const char         *sesame_plan_get_host_name      (SesamePlan     *self);
void                sesame_plan_set_host_name      (SesamePlan     *self,
                                                    const char     *name);
const char         *sesame_plan_get_host_address   (SesamePlan     *self);
void                sesame_plan_set_host_address   (SesamePlan     *self,
                                                    const char     *address);
SesameHostOs        sesame_plan_get_host_os        (SesamePlan     *self);
void                sesame_plan_set_host_os        (SesamePlan     *self,
                                                    SesameHostOs    os);
const char         *sesame_plan_get_language       (SesamePlan     *self);
void                sesame_plan_set_language       (SesamePlan     *self,
                                                    const char     *language);
const char * const *sesame_plan_get_services       (SesamePlan     *self);
gboolean            sesame_plan_has_service        (SesamePlan     *self,
                                                    const char     *service_id);
void                sesame_plan_add_service        (SesamePlan     *self,
                                                    const char     *service_id);
void                sesame_plan_remove_service     (SesamePlan     *self,
                                                    const char     *service_id);
GPtrArray          *sesame_plan_get_custom_rules   (SesamePlan     *self);
void                sesame_plan_add_custom_rule    (SesamePlan     *self,
                                                    const SesameCustomRule *rule);
void                sesame_plan_remove_custom_rule (SesamePlan     *self,
                                                    guint           position);

gboolean            sesame_connection_from_string  (const char       *text,
                                                    SesameConnection *connection);
const char         *sesame_connection_to_string    (SesameConnection  connection);
gboolean            sesame_host_os_from_string     (const char       *text,
                                                    SesameHostOs     *os);
const char         *sesame_host_os_to_string       (SesameHostOs      os);
gboolean            sesame_rule_protocol_from_string (const char         *text,
                                                      SesameRuleProtocol *protocol);
const char         *sesame_rule_protocol_to_string (SesameRuleProtocol protocol);

gboolean            sesame_custom_rule_check_name  (const char       *name,
                                                    GError          **error);

G_END_DECLS
