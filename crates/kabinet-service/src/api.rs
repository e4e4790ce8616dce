//! The service is the in-process implementation of [`Api`]: each method proves the caller's
//! access as the operation list names it, then delegates to the use case of the same name
//! with the proved principal — made from the one list so none can be missing or unchecked.
//! Every staff operation is written to the staff audit log with its outcome, and every
//! operation counted in the metrics by outcome, here, so none can be left out.

use kabinet_api::*;

use crate::Service;

/// Calls one use case after proving its access kind.
macro_rules! authorized {
    (Public, $service:ident, $name:ident, $context:ident, $request:ident) => {
        Service::$name($service, $context, $request).await
    };
    (Citizen, $service:ident, $name:ident, $context:ident, $request:ident) => {{
        let citizen = $service.authorize_citizen($context).await?;
        Service::$name($service, citizen, $context, $request).await
    }};
    (Workstation, $service:ident, $name:ident, $context:ident, $request:ident) => {{
        let at = $service.authorize_workstation($context).await?;
        Service::$name($service, at, $context, $request).await
    }};
    (AnyStaff, $service:ident, $name:ident, $context:ident, $request:ident) => {{
        let staff = $service
            .authorize_staff($context, None, stringify!($name))
            .await?;
        audited!($service, staff, $name, $context, $request)
    }};
    (Staff($scope:ident), $service:ident, $name:ident, $context:ident, $request:ident) => {{
        let staff = $service
            .authorize_staff($context, Some(Scope::$scope), stringify!($name))
            .await?;
        audited!($service, staff, $name, $context, $request)
    }};
}

/// Runs a staff use case and appends its outcome to the staff audit log.
macro_rules! audited {
    ($service:ident, $staff:ident, $name:ident, $context:ident, $request:ident) => {{
        let record = $service.audit_record(&$staff, stringify!($name), &$request);
        let result = match $service.offline_guard(stringify!($name)).await {
            Ok(()) => Service::$name($service, $staff, $context, $request).await,
            Err(refused) => Err(refused),
        };
        $service.audit_result(record, &result).await;
        crate::metrics::staff_action(stringify!($name), crate::metrics_outcome(&result));
        result
    }};
}

macro_rules! delegate {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident $(($scope:ident))?, $idempotent:literal, $session:ident, $body:ident;)*) => {
        impl Api for Service {
            $(
                async fn $name(&self, context: &Context, request: $request) -> Result<$response, ApiError> {
                    let result: Result<$response, ApiError> = async {
                        crate::input::plain_text(&request)?;
                        authorized!($access $(($scope))?, self, $name, context, request)
                    }
                    .await;
                    crate::metrics::operation(stringify!($name), crate::metrics_outcome(&result));
                    result
                }
            )*
        }
    };
}

with_operations!(delegate);
