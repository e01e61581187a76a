@NullMarked
package org.overturn.cases;

import org.jspecify.annotations.NullMarked;
