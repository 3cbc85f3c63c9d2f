"""Importing this module registers every built-in tool (explicitly, one import per tool).

The order is the catalogue's order: what people ask most comes first in the capabilities answer,
the banner's examples and the tool list.
"""

from . import predict  # noqa: F401
from . import attribute  # noqa: F401
from . import faithfulness  # noqa: F401
from . import counterfactual  # noqa: F401
from . import what_if  # noqa: F401
from . import performance  # noqa: F401
from . import mistakes  # noqa: F401
from . import similar  # noqa: F401
from . import attention  # noqa: F401
from . import layer_predictions  # noqa: F401
from . import global_importance  # noqa: F401
from . import keywords  # noqa: F401
from . import describe  # noqa: F401
from . import show  # noqa: F401
from . import subset_filter  # noqa: F401
from . import sample  # noqa: F401
from . import model_info  # noqa: F401
