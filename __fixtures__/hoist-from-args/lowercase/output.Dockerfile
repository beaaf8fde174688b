arg image
from $image
run echo hi
