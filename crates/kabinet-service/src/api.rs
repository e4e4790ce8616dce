//! The service is the in-process implementation of [`Api`]: each method proves the caller's
//! access as the operation list names it, then delegates to the use case of the same name
//! with the proved principal — made from the one list so none can be missing or unchecked.

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
}

macro_rules! delegate {
    ($($(#[$doc:meta])* $name:ident($request:ty) -> $response:ty, $access:ident, $idempotent:literal, $session:ident, $body:ident;)*) => {
        impl Api for Service {
            $(
                async fn $name(&self, context: &Context, request: $request) -> Result<$response, ApiError> {
                    authorized!($access, self, $name, context, request)
                }
            )*
        }
    };
}

with_operations!(delegate);
